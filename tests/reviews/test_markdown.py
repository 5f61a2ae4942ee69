"""The discussion's Markdown: math becomes MathML, and nothing executable survives hostile input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from reviews.markdown import render


def test_math_becomes_mathml() -> None:
    html = render("Let $x^2 + y_i$ be small, and $$\\frac{a}{b}$$")
    assert html.count("<math") == 2
    assert "<msup><mi>x</mi><mn>2</mn></msup>" in html
    assert "<mfrac>" in html
    assert 'display="block"' in html


def test_markdown_basics_and_links() -> None:
    html = render("**bold** and [a link](https://example.org/x) and `code`")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/x" rel="nofollow noopener">a link</a>' in html
    assert "<code>code</code>" in html


def test_dollars_that_are_not_math_stay_text() -> None:
    assert "costs $5 and $6" in render("costs $5 and $6")


def test_bad_latex_is_shown_as_escaped_source() -> None:
    html = render("before $\\left( <b>$ after")
    assert '<code class="math-error">\\left( &lt;b&gt;</code>' in html
    assert "<b>" not in html
    assert "after" in html


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](https://tracker.example/pixel.png)",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<iframe src=https://evil.example></iframe>",
    "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>",
    "$\\href{javascript:alert(1)}{x}$",
    "$\\style{background:url(javascript:alert(1))}{x}$",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "> " * 5000 + "deep",
    "- " * 5000,
    "[" * 5000 + "x" + "]" * 5000,
    "$" + "{" * 3000 + "x" + "}" * 3000 + "$",
    "*" * 20000,
]

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "img", "svg", "link", "meta", "base", "form", "input"}


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the output."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("source", HOSTILE)
def test_nothing_executable_survives(source: str) -> None:
    html = render(source)
    for tag, attrs in elements(html):
        assert tag not in FORBIDDEN_TAGS, html[:300]
        for name, value in attrs:
            assert not name.startswith("on"), html[:300]
            assert name not in {"style", "src", "srcset", "formaction", "xlink:href"}, html[:300]
            if name == "href":
                assert re.match(r"^(https?:|mailto:|#|/)", value or "", re.I), html[:300]


def test_raw_html_is_shown_as_text() -> None:
    assert render("<b>hi</b> <script>x()</script>") == "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;</p>\n"


def test_a_link_with_an_event_handler_written_in_markdown_is_not_a_link() -> None:
    html = render('[x](https://example.org "t" onclick=alert(1))')
    assert all(not name.startswith("on") for _tag, attrs in elements(html) for name, _v in attrs)


def test_the_input_is_bounded() -> None:
    html = render("a" * 100_000)
    assert len(html) < 30_000
