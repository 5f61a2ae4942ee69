"""Publications from a file the person downloaded: a DBLP export (BibTeX or XML) or a Semantic
Scholar export (BibTeX, or the JSON of the API's ``/author/{id}/papers`` with title and
abstract), added to the profile's ``publications`` text that affinity reads.

The file is untrusted bytes: it is capped in size, read by small strict parsers (XML by the
standard library's expat with every DTD internal subset, entity declaration and external
entity refused, so no "billion laughs" and no file or network access), and anything it cannot
read becomes an :class:`ImportRefused` with a message for the form, never a crash. Importing
appends: existing text is kept, and a publication whose normalised title is already there (or
earlier in the file) is skipped.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import profile_update
from mlsys_conf.limits import ABSTRACT_MAX, PUBLICATIONS_IMPORT_MAX_BYTES, PUBLICATIONS_MAX, TITLE_MAX

log = logging.getLogger(__name__)

NOT_AN_EXPORT = (
    "This file is not a DBLP or Semantic Scholar export: upload a BibTeX file (.bib), "
    "DBLP's XML export or the JSON of Semantic Scholar's author papers."
)


class ImportRefused(ValidationError):
    """The file cannot be imported; the message says why, for the form."""


@dataclass(frozen=True)
class Publication:
    title: str
    abstract: str = ""

    @property
    def block(self) -> str:
        """The publication as the profile writes it: the title line, then the abstract."""
        return f"{self.title}\n{self.abstract}" if self.abstract else self.title


@dataclass
class ImportPlan:
    """What importing does to the profile text: ``text`` is the new text."""

    added: list[Publication] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # titles already there, or twice in the file
    left_out: list[str] = field(default_factory=list)  # titles that no longer fit PUBLICATIONS_MAX
    text: str = ""


# --- Reading the file -------------------------------------------------------------------------


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, refused unread when over the cap."""
    size = getattr(upload, "size", None)
    if size is not None and size > PUBLICATIONS_IMPORT_MAX_BYTES:
        raise ImportRefused(_too_big())
    data = upload.read(PUBLICATIONS_IMPORT_MAX_BYTES + 1)
    if len(data) > PUBLICATIONS_IMPORT_MAX_BYTES:
        raise ImportRefused(_too_big())
    return bytes(data)


def _too_big() -> str:
    return f"The file is larger than {PUBLICATIONS_IMPORT_MAX_BYTES // (1024 * 1024)} MB; export fewer publications."


def parse_export(data: bytes) -> list[Publication]:
    """The publications of an export, in its order; :class:`ImportRefused` when it is not one."""
    if len(data) > PUBLICATIONS_IMPORT_MAX_BYTES:
        raise ImportRefused(_too_big())
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ImportRefused("The file is empty.")
    if head == b"<":
        found = _parse_dblp_xml(data)
    elif head in (b"{", b"["):
        found = _parse_s2_json(data)
    elif re.search(rb"@\s*[A-Za-z]+\s*[{(]", data):
        found = _parse_bibtex(_decode(data))
    else:
        raise ImportRefused(NOT_AN_EXPORT)
    publications = [p for p in (_tidy(p) for p in found) if p.title]
    if not publications:
        raise ImportRefused("The file holds no publication with a title.")
    return publications


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older BibTeX files; every byte is a character


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(publication: Publication) -> Publication:
    """One line each (an empty line would split the block), within the profile's limits."""
    title = _one_line(publication.title).rstrip(".").strip()
    abstract = _one_line(publication.abstract)
    return Publication(_cut(title, TITLE_MAX), _cut(abstract, ABSTRACT_MAX))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- BibTeX -----------------------------------------------------------------------------------


class _BibError(Exception):
    pass


class _BibReader:
    """A strict reader of BibTeX entries: ``@type{key, field = {..} | ".." | 123 | macro # ..}``.
    Text between entries is a comment, as in BibTeX; ``@comment`` and ``@preamble`` are skipped,
    ``@string`` macros are kept for the values that use them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.macros: dict[str, str] = {}

    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def fail(self, what: str) -> _BibError:
        return _BibError(f"line {self.line()}: {what}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, chars: str) -> str:
        self.skip_space()
        char = self.peek()
        if not char or char not in chars:
            shown = repr(char) if char else "the end of the file"
            raise self.fail(f"expected {' or '.join(repr(c) for c in chars)}, found {shown}")
        self.pos += 1
        return char

    def name(self) -> str:
        self.skip_space()
        match = re.compile(r"[A-Za-z0-9_\-:.+/']+").match(self.text, self.pos)
        if not match:
            raise self.fail("expected a name")
        self.pos = match.end()
        return match.group()

    def braced(self) -> str:
        """The text of ``{...}`` (the opening brace already read), inner braces kept."""
        depth, start = 1, self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                self.pos += 1  # an escaped brace does not count
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return self.text[start : self.pos - 1]
        raise self.fail("a brace that is never closed")

    def quoted(self) -> str:
        start, depth = self.pos, 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                self.pos += 1
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                return self.text[start : self.pos - 1]
        raise self.fail("a quote that is never closed")

    def value(self) -> str:
        parts = []
        while True:
            self.skip_space()
            char = self.peek()
            if char == "{":
                self.pos += 1
                parts.append(self.braced())
            elif char == '"':
                self.pos += 1
                parts.append(self.quoted())
            elif char.isdigit():
                parts.append(self.name())
            elif char.isalpha():
                macro = self.name().lower()
                parts.append(self.macros.get(macro, macro))
            else:
                raise self.fail("expected a value")
            self.skip_space()
            if self.peek() != "#":
                return "".join(parts)
            self.pos += 1

    def fields(self, close: str) -> dict[str, str]:
        found: dict[str, str] = {}
        while True:
            self.skip_space()
            if self.peek() == close:
                self.pos += 1
                return found
            name = self.name().lower()
            self.expect("=")
            found[name] = self.value()
            if self.expect("," + close) == close:
                return found

    def entries(self) -> Iterator[dict[str, str]]:
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                return
            self.pos = at + 1
            kind = self.name().lower()
            opening = self.expect("{(")
            close = "}" if opening == "{" else ")"
            if kind in ("comment", "preamble"):
                if opening == "{":
                    self.braced()
                else:
                    end = self.text.find(")", self.pos)
                    self.pos = len(self.text) if end < 0 else end + 1
                continue
            if kind == "string":
                self.macros.update(self.fields(close))
                continue
            self.name()  # the citation key
            if self.expect("," + close) == close:
                continue
            yield self.fields(close)


def _parse_bibtex(text: str) -> list[Publication]:
    reader = _BibReader(text)
    try:
        return [
            Publication(detex(entry.get("title", "")), detex(entry.get("abstract", ""))) for entry in reader.entries()
        ]
    except _BibError as error:
        raise ImportRefused(f"The BibTeX file cannot be read ({error}).") from None


ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "c": "\u0327",
    "k": "\u0328",
}
LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å"}
LETTERS |= {"l": "ł", "L": "Ł", "i": "i", "j": "j"}  # dotless i and j, as under an accent
ACCENT_RE = re.compile(r"""\\([`'^~=."]|[uvHrck](?![A-Za-z]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))""")
LETTER_RE = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s*(?:\{\s*\})?")
ESCAPED_RE = re.compile(r"\\([&%$#_{}])")
COMMAND_RE = re.compile(r"\\[A-Za-z]+\*?\s*|\\.")


def detex(text: str) -> str:
    """BibTeX's LaTeX to plain text: accents to letters, commands and braces dropped."""

    def accent(match: re.Match[str]) -> str:
        letter = (match.group(2) or match.group(3)).lstrip("\\")
        letter = {"i": "i", "j": "j"}.get(letter, letter)
        return letter + ACCENTS[match.group(1)]

    text = ACCENT_RE.sub(accent, text)
    text = LETTER_RE.sub(lambda m: LETTERS[m.group(1)], text)
    text = ESCAPED_RE.sub(lambda m: "\x00" + m.group(1), text)  # kept through the brace removal
    text = COMMAND_RE.sub("", text).replace("{", "").replace("}", "").replace("$", "").replace("~", " ")
    text = text.replace("\x00", "").replace("---", "\u2014").replace("--", "\u2013")
    return unicodedata.normalize("NFC", _one_line(text))


# --- DBLP XML ---------------------------------------------------------------------------------

DBLP_RECORDS = frozenset(
    {"article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis", "data"}
)


class _Refused(Exception):
    pass


def _parse_dblp_xml(data: bytes) -> list[Publication]:
    """Titles of DBLP records (``<dblpperson>`` or ``<dblp>``): no abstracts in DBLP."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    records = 0  # DBLP records open around the current element
    root: list[str] = []
    titles: list[str] = []
    current: list[str] | None = None

    def doctype(name: str, system_id: Any, public_id: Any, has_internal_subset: bool) -> None:
        if has_internal_subset:
            raise _Refused("a DTD with declarations")

    def refuse_entity(*args: Any) -> None:
        raise _Refused("entity declarations")

    def refuse_external(*args: Any) -> int:
        raise _Refused("external entities")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal current, records
        if not root:
            root.append(name)
        if name == "title" and records:
            current = []
        records += name in DBLP_RECORDS

    def end(name: str) -> None:
        nonlocal current, records
        records -= name in DBLP_RECORDS
        if name == "title" and current is not None:
            titles.append("".join(current))
            current = None

    def text(chars: str) -> None:
        if current is not None:
            current.append(chars)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise ImportRefused(f"The XML file is refused: it carries {refused}, which a DBLP export never does.") from None
    except expat.ExpatError as error:
        reason = expat.errors.messages.get(error.code, "not well-formed") if error.code else str(error)
        raise ImportRefused(f"The XML file cannot be read (line {error.lineno}: {reason}).") from None
    if root and root[0] not in ("dblpperson", "dblp"):
        raise ImportRefused(NOT_AN_EXPORT)
    return [Publication(title) for title in titles]


# --- Semantic Scholar JSON --------------------------------------------------------------------


def _parse_s2_json(data: bytes) -> list[Publication]:
    """``{"data": [{"title": .., "abstract": ..}, ..]}`` (one page of the API's answer), or
    the list of papers alone."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # JSONDecodeError, bad encoding, huge numbers, deep nesting
        raise ImportRefused("The JSON file cannot be read: it is not valid JSON.") from None
    papers = document.get("data") if isinstance(document, dict) else document
    if not isinstance(papers, list):
        raise ImportRefused(NOT_AN_EXPORT)
    found = []
    for paper in papers:
        if isinstance(paper, dict) and isinstance(paper.get("title"), str):
            abstract = paper.get("abstract")
            found.append(Publication(paper["title"], abstract if isinstance(abstract, str) else ""))
    return found


# --- Adding them to the profile ---------------------------------------------------------------


def normalised_title(title: str) -> str:
    """The title as compared for duplicates: no accents, case, punctuation or spacing."""
    decomposed = unicodedata.normalize("NFKD", title)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", letters))


def _titles_in(text: str) -> set[str]:
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return {normalised_title(block.splitlines()[0]) for block in blocks}


def plan_import(current: str, publications: list[Publication]) -> ImportPlan:
    """Append what is new to ``current``, in the file's order, while it fits the profile."""
    plan = ImportPlan(text=current)
    known = _titles_in(current)
    text = current.rstrip()
    for publication in publications:
        key = normalised_title(publication.title)
        if not key or key in known:
            plan.duplicates.append(publication.title)
            continue
        longer = f"{text}\n\n{publication.block}" if text else publication.block
        if len(longer) > PUBLICATIONS_MAX:
            plan.left_out.append(publication.title)
            continue
        known.add(key)
        text = longer
        plan.added.append(publication)
    if plan.added:
        plan.text = text
    return plan


def publications_import(*, user: User, publications: list[Publication], dry_run: bool = False) -> ImportPlan:
    """Add ``publications`` to ``user``'s own profile (what :func:`plan_import` says), unless
    ``dry_run``; existing text is never removed."""
    plan = plan_import(user.publications, [_tidy(p) for p in publications])
    if plan.added and not dry_run:
        profile_update(user=user, publications=plan.text)
        log.info("user %s imported %s publications", user.pk, len(plan.added))
    return plan
