"""The published program as data: JSON (described by ``program/schemas/program.schema.json``),
CSV (one row per placed paper, safe to open in a spreadsheet) and BibTeX per paper. The
iCalendar and frab XML exports are in :mod:`program.exports_ical` and
:mod:`program.exports_frab`. Everything comes from the published snapshot: no e-mail address,
no unreleased badge, no unplaced paper."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import datetime
from typing import Any

from program.public_program import PaperView, PublishedProgram, SessionView

JSON_FORMAT = 1  # the version of the JSON document's shape


def local_iso(moment: datetime) -> str:
    """Local time with its offset, e.g. ``2027-05-12T09:00:00-07:00``."""
    return moment.isoformat()


# --- JSON -------------------------------------------------------------------------------------


def session_record(program: PublishedProgram, session: SessionView) -> dict[str, Any]:
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind,
        "room": session.room_id,
        "starts_at": local_iso(session.starts),
        "ends_at": local_iso(session.ends),
        "chair": session.chair,
        "speaker": session.speaker,
        "description": session.description,
        "url": program.session_url(session),
        "talks": [
            {"paper": talk.paper.number, "starts_at": local_iso(talk.starts), "ends_at": local_iso(talk.ends)}
            for talk in session.talks
        ],
    }


def paper_record(program: PublishedProgram, paper: PaperView) -> dict[str, Any]:
    return {
        "number": paper.number,
        "title": paper.title,
        "abstract": paper.abstract,
        "keywords": paper.keywords,
        "authors": [{"name": a["name"], "affiliation": a["affiliation"], "orcid": a["orcid"]} for a in paper.authors],
        "presenter": paper.presenter,
        "badges": [badge.value for badge in paper.badges],
        "sessions": paper.session_ids,
        "url": program.paper_url(paper),
        "pdf_url": program.url("public_paper_pdf", paper.number) if paper.pdf else None,
        "bibtex_url": program.url("public_paper_bib", paper.number),
    }


def program_json(program: PublishedProgram) -> dict[str, Any]:
    edition = program.edition
    return {
        "format": JSON_FORMAT,
        "edition": {
            "slug": edition["slug"],
            "name": edition["name"],
            "venue": edition["venue"],
            "time_zone": edition["time_zone"],
            "starts_on": edition["starts_on"],
            "ends_on": edition["ends_on"],
        },
        "version": {
            "number": program.version.number,
            "published_at": program.version.published_at.isoformat(),
            "note": program.version.note,
        },
        "rooms": [{"id": r["id"], "name": r["name"], "capacity": r["capacity"]} for r in program.rooms],
        "sessions": [session_record(program, session) for session in program.sessions],
        "papers": [paper_record(program, paper) for paper in program.papers_in_order()],
    }


def program_json_text(program: PublishedProgram) -> str:
    return json.dumps(program_json(program), ensure_ascii=False, indent=1)


# --- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "number",
    "title",
    "authors",
    "affiliations",
    "session",
    "room",
    "start",
    "end",
    "keywords",
    "badges",
    "url",
]


def spreadsheet_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def program_csv_text(program: PublishedProgram) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for session in program.sessions:
        for talk in session.talks:
            paper = talk.paper
            cells = [
                str(paper.number),
                paper.title,
                "; ".join(paper.author_names),
                "; ".join(paper.affiliations),
                session.title,
                session.room,
                local_iso(talk.starts),
                local_iso(talk.ends),
                "; ".join(paper.keywords),
                "; ".join(badge.label for badge in paper.badges),
                program.paper_url(paper),
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


# --- BibTeX -------------------------------------------------------------------------------------

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0327": "c",
    "\u0328": "k",
}
_LETTERS = {
    "ß": r"{\ss}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",  # noqa: RUF001 (the dotless i, on purpose)
}


def _accented(base: str, marks: str) -> str | None:
    """``{\\'e}`` for é; None when a mark has no BibTeX command."""
    text = base
    for mark in marks:
        command = _ACCENTS.get(mark)
        if command is None:
            return None
        text = f"\\{command}{text}" if command in "`'^~=.\"" else f"\\{command}{{{text}}}"
    return "{" + text + "}"


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field value: specials escaped, accented Latin letters as commands
    (``{\\'e}``), any other character kept as it is (UTF-8)."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", " ".join(text.split())):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        elif char.isascii():
            out.append(char)
        else:
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            command = _accented(base, marks) if marks and base.isascii() else None
            out.append(command or char)
    return "".join(out)


def bibtex_key(program: PublishedProgram, paper: PaperView) -> str:
    return f"{program.slug}-{paper.number}"


def paper_bibtex(program: PublishedProgram, paper: PaperView) -> str:
    first_day = program.first_day()
    held = program.edition["starts_on"] or (first_day or program.version.published_at.date()).isoformat()
    year = held[:4]
    fields = [
        ("title", "{" + bibtex_escape(paper.title) + "}"),
        ("author", " and ".join(bibtex_escape(name) for name in paper.author_names)),
        ("booktitle", "Proceedings of " + bibtex_escape(program.name)),
        ("year", year),
    ]
    if program.edition["venue"]:
        fields.append(("address", bibtex_escape(program.edition["venue"])))
    if paper.keywords:
        fields.append(("keywords", bibtex_escape(", ".join(paper.keywords))))
    fields.append(("url", program.paper_url(paper)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@inproceedings{{{bibtex_key(program, paper)},\n{body}\n}}\n"
