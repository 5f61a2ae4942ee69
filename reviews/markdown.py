"""The discussion's Markdown: CommonMark without raw HTML, LaTeX math (``$x$``, ``$$...$$``) as
MathML, and the result cleaned by an allow-list (nh3) so nothing executable survives.

Math that latex2mathml cannot read is shown as its source, escaped, in ``<code>``; rendering
never fails on what a person typed. Input beyond :data:`MAX_INPUT` characters is cut (the
services refuse longer comments anyway), each formula beyond :data:`MAX_FORMULA` is shown as
source, and markdown-it's nesting limit bounds deeply nested lists and quotes.
"""

from __future__ import annotations

import html
import logging
from functools import cache
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from mlsys_conf.limits import COMMENT_MAX_CHARS

log = logging.getLogger(__name__)

MAX_INPUT = COMMENT_MAX_CHARS
MAX_FORMULA = 2_000
MAX_NESTING = 20

_TEXT_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "div", "span",
}  # fmt: skip
_MATH_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup",
    "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr",
    "mtd", "mstyle", "menclose", "mpadded", "mphantom", "mfenced", "merror",
}  # fmt: skip
_MATH_ATTRIBUTES = {
    "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "columnalign", "rowspacing",
    "columnspacing", "columnlines", "rowlines", "accent", "accentunder", "linethickness", "width",
    "height", "depth", "notation", "minsize", "maxsize", "movablelimits", "symmetric", "displaystyle",
    "scriptlevel", "open", "close", "separators", "encoding", "form", "largeop", "frame",
}  # fmt: skip
ALLOWED_TAGS = frozenset(_TEXT_TAGS | _MATH_TAGS)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "math": {"xmlns", "display"} | _MATH_ATTRIBUTES,
    **{tag: set(_MATH_ATTRIBUTES) for tag in _MATH_TAGS if tag != "math"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def _math(content: str, options: dict[str, Any]) -> str:
    display = "block" if options.get("display_mode") else "inline"
    if len(content) <= MAX_FORMULA:
        try:
            return convert(content, display=display)
        except Exception:  # latex2mathml raises many kinds on bad input (and RecursionError)
            log.debug("Unreadable LaTeX shown as source", exc_info=True)
    return f'<code class="math-error">{html.escape(content)}</code>'


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    )
    parser.enable("table")
    parser.use(dollarmath_plugin, renderer=_math, allow_digits=False, double_inline=True)
    return parser


def clean(markup: str) -> str:
    """What survives the allow-list: no scripts, styles, images, event handlers or
    ``javascript:`` links; links get ``rel="nofollow noopener"``."""
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """A comment's Markdown as safe HTML."""
    source = (text or "")[:MAX_INPUT]
    try:
        markup = _parser().render(source)
    except RecursionError:
        markup = f"<pre>{html.escape(source)}</pre>"
    return mark_safe(clean(markup))  # noqa: S308 (cleaned by the allow-list just above)  # nosec B703 B308
