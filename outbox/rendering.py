"""Which words a mail is made of: the edition's own template (:class:`MailTemplate`) when the
chairs wrote one, else the files ``<key>_subject.txt`` and ``<key>_body.txt`` of the app that
sends it.

An edition's templates are rendered by a sandboxed engine: no loaders (no ``include`` or
``extends`` of files), only the built-in tags and filters plus ``tz``, no ``debug``, plain
text (nothing escaped), and lookups of anything called a password, secret or token, or of whole
tables (``.values``, ``.objects``...), are refused when the template is saved.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.template.defaulttags import ForNode, WithNode
from django.template.loader import get_template
from django.template.smartif import TokenBase
from django.template.utils import get_app_template_dirs
from django.utils import timezone

from conferences.models import Edition
from mlsys_conf.limits import NUL_REFUSED
from outbox.models import MailTemplate

log = logging.getLogger(__name__)

SUBJECT, BODY = "_subject.txt", "_body.txt"
FORBIDDEN_TAGS = frozenset({"debug", "load", "include", "extends", "block"})
SECRET_WORDS = re.compile(r"(\{\{|\{%)[^}]*?(password|secret|token)", re.IGNORECASE)
# Lookups that reach past the objects a mail is about: whole tables (a manager's or queryset's
# ``values``, a model class and its ``objects``, the users of a group) or a value derived from a
# password (``get_session_auth_hash``). Every placeholder a mail offers is a plain attribute.
UNSAFE_LOOKUPS = re.compile(
    r"(\{\{|\{%)[^}]*?\.\s*(values|values_list|model|objects|user_set|groups|user_permissions|get_session_auth_\w*|"
    r"\w*_hash)\b",
    re.IGNORECASE,
)


@cache
def sandbox() -> Engine:
    """The engine for templates the chairs write: built-ins and ``tz`` only."""
    engine = Engine(loaders=[], libraries={"tz": "django.templatetags.tz"}, autoescape=False)
    tags = Library()
    tags.tags = {name: tag for name, tag in defaulttags.register.tags.items() if name not in FORBIDDEN_TAGS}
    tags.tags["load"] = _load_tz_only
    tags.filters = dict(defaultfilters.register.filters)
    engine.template_builtins = [tags]
    return engine


def _load_tz_only(parser: Any, token: Any) -> Any:
    """``{% load tz %}`` (the file templates use it); any other library is refused."""
    names = token.split_contents()[1:]
    if names != ["tz"]:
        raise TemplateSyntaxError("Only {% load tz %} is available in mail templates.")
    return defaulttags.load(parser, token)


def template_keys() -> list[str]:
    """Every mail the code can send, as ``<app>/mail/<name>``, found in the template folders."""
    folders = [Path(d) for d in get_app_template_dirs("templates")]
    backends: list[dict[str, Any]] = settings.TEMPLATES
    folders += [Path(d) for backend in backends for d in backend.get("DIRS", [])]
    keys = set()
    for folder in folders:
        for subject in folder.glob(f"*/mail/*{SUBJECT}"):
            if subject.with_name(subject.name.replace(SUBJECT, BODY)).exists():
                keys.add(str(subject.relative_to(folder))[: -len(SUBJECT)])
    return sorted(keys)


def default_text(key: str) -> tuple[str, str]:
    """The subject and body templates of ``key`` as the files have them."""
    return (
        get_template(key + SUBJECT).template.source,  # type: ignore[attr-defined]
        get_template(key + BODY).template.source,  # type: ignore[attr-defined]
    )


def _render_file(name: str, context: dict[str, Any]) -> str:
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def _render_text(text: str, context: dict[str, Any]) -> str:
    return sandbox().from_string(text).render(Context(context, autoescape=False))


def one_line(subject: str) -> str:
    return " ".join(subject.split())


def render_mail(key: str, context: dict[str, Any], edition: Edition | None = None) -> tuple[str, str]:
    """The subject (on one line) and body of mail ``key``, in the edition's wording if it has one.
    An edition template that fails at sending time falls back to the file, with a warning."""
    own = MailTemplate.objects.filter(edition=edition, key=key).first() if edition is not None else None
    if own is not None:
        try:
            return one_line(_render_text(own.subject, context)), _render_text(own.body, context)
        except Exception:
            log.exception("The %s template of %s failed; the default was used", key, edition)
    return one_line(_render_file(key + SUBJECT, context)), _render_file(key + BODY, context)


def render_checked(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render a template a chair wrote, or refuse it with the reason (a ValidationError)."""
    errors: dict[str, str] = {}
    rendered: dict[str, str] = {}
    for field, text in (("subject", subject), ("body", body)):
        if SECRET_WORDS.search(text):
            errors[field] = "Mail templates may not show passwords, secrets or tokens."
            continue
        if unsafe := UNSAFE_LOOKUPS.search(text):
            errors[field] = f"Mail templates may not look up .{unsafe.group(2)}; use the placeholders listed."
            continue
        if "\x00" in text:  # no mail may carry it, and the database cannot store it
            errors[field] = NUL_REFUSED
            continue
        try:
            rendered[field] = _render_text(text, context)
        except Exception as error:
            errors[field] = f"This template cannot be rendered: {error}"
    if errors:
        raise ValidationError(errors)
    return one_line(rendered["subject"]), rendered["body"]


def sample_context(edition: Edition) -> dict[str, Any]:
    """Made-up values for every name the mail templates use, to preview a template."""
    now = timezone.now()
    paper = {
        "number": 42,
        "title": "An Example Paper on Sparse Kernels",
        "abstract": "We show how sparse kernels make attention cheaper on today's accelerators.",
        "get_absolute_url": "/example/42/",
        "state_reason": "The paper is over the page limit.",
        "url": f"{settings.SITE_URL}/example-link/",
        "moment": "Tue 01 Jun 2027, 23:59:59 CEST (Tue 01 Jun 2027, 09:59:59 AoE)",
        "late": False,
    }
    person = {"display_name": "Ada Example", "name": "Ada Example", "email": "ada@example.org"}
    return {
        "edition": edition,
        "site_url": settings.SITE_URL,
        "url": f"{settings.SITE_URL}/example-link/",
        "moment": "Tue 01 Jun 2027, 23:59:59 CEST (Tue 01 Jun 2027, 09:59:59 AoE)",
        "deadline": {"get_phase_display": "Paper submission"},
        "counts": {
            "registered": 120,
            "with_paper": 100,
            "abstract_only": 20,
            "withdrawn": 3,
            "with_warnings": 4,
            "systems": 50,
            "ml": 45,
            "both": 25,
        },
        "submission": paper,
        "papers": [paper, {**paper, "number": 43, "title": "Another Example Paper"}],
        "reviewer": person,
        "kind": {"task": "review"},
        "author": person,
        "member": {"user": person, "total": 3, "wanted": 10},
        "invitation": {
            "name": "Ada Example",
            "get_kind_display": "PC member",
            "area": "systems",
            "get_area_display": "Systems",
            "max_load": 8,
        },
        "external": {"name": "Ada Example", "email": "ada@example.org", "reason": "Knows sparse kernels well."},
        "requester": person,
        "reminder_round": 0,
        "sent_on": now,
        "sent_at": "Tue 01 Jun 2027, 10:00:00 CEST",
        "dispute": {"email": "ada@example.org"},
        "reported_utc": "Tue 01 Jun 2027, 12:00:00 UTC",
        "not_an_author_url": f"{settings.SITE_URL}/example-not-an-author/",
        "version": {"get_kind_display": "Paper", "sha256": "0" * 64, "page_count": 10, "warning_count": 0},
        "uploaded_utc": "Tue 01 Jun 2027, 12:00:00 UTC",
        "uploaded_aoe": "Tue 01 Jun 2027, 00:00:00 AoE",
        # the review phase: reviews, discussion, responses, reminders
        "shown_as": "Reviewer A (Systems)",
        "comment": {"body": "Could the authors clarify the baseline in Table 2?"},
        "audience": "The paper's reviewers",
        "mentioned": False,
        "updated": False,
        "review_version": 2,
        "what": "Reviewer A updated their review",
        "reader": person,
        "chair": person,
        "day": "Tue 01 Jun 2027",
        "items": [
            {
                "submission": paper,
                "shown_as": "Reviewer B (ML)",
                "comment": {"body": "I agree with Reviewer A; the ablation settles it."},
                "url": f"{settings.SITE_URL}/example-link/#comment-1",
            }
        ],
        "late": True,
        "count": 2,
        # artifact evaluation: the badges awarded, reminders
        "decision": {"badge_labels": ["Artifacts Available", "Artifacts Evaluated: Functional"], "note": "Well done."},
        "message": {"body": "The setup script now pins CUDA 12.4; please try again.", "fix_url": "https://example.org/fix"},
        "areas": [
            {
                "name": "Systems",
                "papers": [{**paper, "missing": ["Ada Example"], "url": f"{settings.SITE_URL}/example-link/"}],
            }
        ],
        # camera-ready: what an accepted paper's final version still lacks
        "missing": ["the final PDF", "the licence"],
    }


# --- Placeholders a composed mail may use ----------------------------------------------------


def _expressions(obj: Any) -> Any:
    """The filter expressions inside one node's attribute (an ``if`` condition nests them)."""
    if isinstance(obj, FilterExpression):
        yield obj
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _expressions(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _expressions(item)
    elif isinstance(obj, TokenBase):  # an operator or literal of an ``if`` condition
        for name in ("first", "second", "value"):
            yield from _expressions(getattr(obj, name, None))


def _variables(expression: FilterExpression) -> list[str]:
    """The dotted names an expression reads: its variable and its filters' variable arguments."""
    found = []
    if isinstance(expression.var, Variable) and expression.var.lookups is not None:
        found.append(".".join(expression.var.lookups))
    for _function, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable and isinstance(argument, Variable) and argument.lookups is not None:
                found.append(".".join(argument.lookups))
    return found


def used_placeholders(text: str) -> tuple[set[str], set[str]]:
    """The dotted names a template reads, and the names its own tags bind (loop variables,
    ``with``, ``forloop``). Raises TemplateSyntaxError when it does not compile."""
    template = sandbox().from_string(text)
    used: set[str] = set()
    bound: set[str] = {"forloop"}
    for node in template.nodelist.get_nodes_by_type(Node):
        if isinstance(node, ForNode):
            bound.update(node.loopvars)
        elif isinstance(node, WithNode):
            bound.update(node.extra_context)
        for name, value in vars(node).items():
            if name in ("nodelist", "token", "origin") or isinstance(value, NodeList | Node):
                continue
            for expression in _expressions(value):
                used.update(_variables(expression))
    return used, bound


def undeclared(text: str, declared: Any) -> list[str]:
    """The names ``text`` reads that are not among the ``declared`` placeholders (a declared name,
    a part of one, or a name a tag of the template binds), sorted."""
    used, bound = used_placeholders(text)

    def allowed(name: str) -> bool:
        if name.split(".")[0] in bound:
            return True
        return any(name == d or d.startswith(name + ".") for d in declared)

    return sorted(name for name in used if not allowed(name))


def check_placeholders(subject: str, body: str, declared: Any, what: str) -> None:
    """Refuse (a ValidationError naming them) the placeholders the mail to ``what`` does not offer."""
    errors: dict[str, str] = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            unknown = undeclared(text, declared)
        except TemplateSyntaxError as error:
            errors[field] = f"This template cannot be rendered: {error}"
            continue
        if unknown:
            names = ", ".join("{{ " + name + " }}" for name in unknown)
            errors[field] = (
                f"Not available in mail to {what}: {names}. Use only the placeholders listed for these recipients."
            )
    if errors:
        raise ValidationError(errors)
