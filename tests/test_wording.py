"""Words that mean one thing, kept so: templates (pages and mail) and the strings the code shows
people (messages, refusals, form labels and help texts, the API's help texts and descriptions) are
scanned for the forms the wording sweep removed. Each rule is tested on a planted example first,
so a rule that matches nothing cannot pass unnoticed.

- An upload "passed the checks", never "accepted" (an author reads that as paper acceptance).
- A moment is written by the one format (``conferences.phases.MOMENT_FORMAT`` through the
  ``|local``/``|aoe``/``|day`` filters or ``format_in``/``format_moment``), never by a raw
  ``|date:`` in a template nor a format that spells out its zone by hand.
- The halves are "Systems" and "ML": no "systems reviewers", "Ml reviewers" or a raw area value
  shown as text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "actionlog",
    "artifacts",
    "assignments",
    "bidding",
    "committees",
    "conferences",
    "mlsys_conf",
    "outbox",
    "program",
    "reviews",
    "site_pages",
    "submissions",
)
# The module that defines the one format may spell it out.
FORMAT_HOME = ROOT / "conferences" / "phases.py"

Finding = tuple[str, str]  # (where, the offending text)


def templates() -> Iterator[Path]:
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                yield path


def python_files() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


# --- What people read in Python: the strings passed where they are shown ----------------------

SHOWN_KEYWORDS = {"help_text", "label", "verbose_name", "description", "summary", "empty_label"}
SHOWN_CALLS = {
    "success",
    "error",
    "warning",
    "info",
    "add_message",  # django.contrib.messages
    "deny",  # a policy's reason
    "ValidationError",
    "DeadlinePassed",
    "PermissionDenied",
    "Http404",
}


def _text(node: ast.AST) -> str:
    """The literal text of a string or f-string (placeholders as "{}")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return ""


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def shown_strings(source: str, *, is_api: bool) -> Iterator[tuple[int, str]]:
    """(line, text) of every string a person reads: arguments of messages, refusals and errors,
    help texts and labels; in an API module also the docstrings (they become the OpenAPI
    descriptions)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _call_name(node) in SHOWN_CALLS:
                for arg in node.args:
                    if text := _text(arg):
                        yield node.lineno, text
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS and (text := _text(keyword.value)):
                    yield node.lineno, text
        elif is_api and isinstance(node, ast.FunctionDef | ast.ClassDef) and (doc := ast.get_docstring(node)):
            yield node.lineno, doc


# --- The rules --------------------------------------------------------------------------------

UPLOAD_ACCEPTED = re.compile(
    r"\b(upload(ed|s)?|pdf|files?|versions?)\b[^.<>\n]{0,40}\baccepted\b"
    r"|\baccepted\b[^.<>\n]{0,20}\b(upload|pdf|files?|versions?)\b"
    r"|\b(when|if|be|is|was|latest) accepted\b(?![^.\n]{0,30}\b(invitation|decision|paper acceptance)\b)",
    re.IGNORECASE,
)
LOWER_HALVES = re.compile(r"\b(systems|ml) (reviewers|members|half|pc members)\b|\bMl\b")
RAW_AREA_TEXT = re.compile(r">\s*\{\{\s*(?!form|filters)[\w.]*\barea\b\s*(\|[^}]*)?\}\}")  # not a form's field
RAW_DATE_FILTER = re.compile(r"\|\s*date\s*:")
INPUT_VALUE = re.compile(r'value="[^"]*"')  # a form's own machine format (datetime-local) is no display
HAND_ZONE = re.compile(r"%[HMS][^\"'\n]{0,6}[}\"']?\s*(UTC|AoE|\{[^}]*tzname\(\)\})")
HAND_MOMENT = re.compile(r"%a %d %b")


def visible(html: str) -> str:
    """A template's words: tags and template syntax dropped."""
    return re.sub(r"\{[{%#].*?[}%#]\}", " ", re.sub(r"<[^>]+>", " ", html))


def template_findings(name: str, text: str) -> list[Finding]:
    findings: list[Finding] = []
    words = visible(text)
    for pattern in (UPLOAD_ACCEPTED, LOWER_HALVES):
        findings += [(name, m.group(0)) for m in pattern.finditer(words)]
    findings += [(name, m.group(0)) for m in RAW_AREA_TEXT.finditer(text)]
    findings += [(name, m.group(0)) for m in RAW_DATE_FILTER.finditer(INPUT_VALUE.sub("", text))]
    return findings


def python_findings(name: str, source: str, *, is_api: bool, format_home: bool = False) -> list[Finding]:
    findings: list[Finding] = []
    for line, text in shown_strings(source, is_api=is_api):
        for pattern in (UPLOAD_ACCEPTED, LOWER_HALVES):
            findings += [(f"{name}:{line}", m.group(0)) for m in pattern.finditer(text)]
    if not format_home:
        for pattern in (HAND_ZONE, HAND_MOMENT):
            findings += [(name, m.group(0)) for m in pattern.finditer(source)]
    return findings


def scan_templates() -> list[Finding]:
    return [f for path in templates() for f in template_findings(str(path.relative_to(ROOT)), path.read_text())]


def scan_python() -> list[Finding]:
    return [
        f
        for path in python_files()
        for f in python_findings(
            str(path.relative_to(ROOT)),
            path.read_text(),
            is_api=path.name == "api.py",
            format_home=path == FORMAT_HOME,
        )
    ]


# --- Each rule catches a planted example ------------------------------------------------------

PLANTED_TEMPLATES = [
    "<p>Your upload was accepted.</p>",
    '<span class="badge">accepted</span> PDF, 3 pages',
    "<td>{{ f.uploaded_at|date:'j M Y H:i' }}</td>",
    "<label>systems reviewers per paper</label>",
    "<label>Ml reviewers per paper</label>",
    '<span class="badge {{ line.area }}">{{ line.area|default:"?" }}</span>',
]
PLANTED_PYTHON = [
    'messages.success(request, "Uploaded and accepted.")',
    'serializers.CharField(help_text="The current (latest accepted) paper version.")',
    'forms.IntegerField(label="ml reviewers per paper")',
    'body = f"Received {moment:%Y-%m-%d %H:%M:%S} UTC"',
    'shown = f"{here:%a %d %b %Y, %H:%M:%S} {here.tzname()}"',
]
PLANTED_API = 'class V:\n    def upload(self):\n        """Upload a paper PDF. 201 when accepted."""\n'


@pytest.mark.parametrize("planted", PLANTED_TEMPLATES)
def test_each_template_rule_catches_a_planted_example(planted: str) -> None:
    assert template_findings("planted.html", planted)


@pytest.mark.parametrize("planted", PLANTED_PYTHON)
def test_each_python_rule_catches_a_planted_example(planted: str) -> None:
    assert python_findings("planted.py", planted, is_api=False)


def test_an_api_docstring_is_read_as_shown() -> None:
    assert python_findings("api.py", PLANTED_API, is_api=True)
    assert not python_findings("services.py", PLANTED_API, is_api=False)  # a service's docstring is for developers


@pytest.mark.parametrize(
    "fine",
    [
        "<p>You accepted this invitation on {{ invitation.answered_at|local }}.</p>",
        '<span class="badge open">passed the checks</span>',
        '<input type="datetime-local" value="{{ release.scheduled_at|date:\'Y-m-d\\TH:i:s\' }}">',
        '<span class="badge {{ role.area }}">{{ role.get_area_display }}</span>',
        "<p>{{ edition.systems_reviewers_per_paper }} Systems and {{ edition.ml_reviewers_per_paper }} ML</p>",
    ],
)
def test_the_rules_leave_the_right_words_alone(fine: str) -> None:
    assert template_findings("fine.html", fine) == []


# --- The repository keeps the words -----------------------------------------------------------


def test_templates_keep_the_words() -> None:
    assert list(templates()), "no templates found: the scan looks in the wrong place"
    assert scan_templates() == []


def test_python_strings_people_read_keep_the_words() -> None:
    assert any(path.name == "api.py" for path in python_files())
    assert scan_python() == []


@pytest.mark.django_db
def test_the_admin_labels_the_halves_in_proper_case(admin_client: Client) -> None:
    html = admin_client.get("/admin/conferences/edition/add/").content.decode()
    assert "ML reviewers per paper" in html
    assert "Systems reviewers per paper" in html
    assert not LOWER_HALVES.search(visible(html))
