"""The offline review form: a plain-text file to fill in away from the site and upload back.

The layout follows the convention HotCRP made familiar: each question starts with a line
``==+== <question>`` (with the scale in brackets for scores and choices), notes start with
``==-==`` and are ignored, and the answer is the text between two ``==+==`` lines::

    ==+== MLSys 2027 review form
    ==+== Paper #12
    ==-== Title: Sparse attention kernels
    ==+== Overall merit (1-6: 1 Strong reject ... 6 Strong accept)
    4
    ==+== Strengths
    Clear writing.
    ==+== End of review

Reading a file never saves anything: :func:`parse_offline` returns the answers of the sections
the file has, or raises one ValidationError listing every problem (an unknown section, a value
that is not on the scale, a file too large or not text); the caller then saves through
:func:`reviews.services.review_save`, which checks the answers again.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from conferences.phases import format_aoe
from reviews.models import FieldType, FormKind, ReviewField
from submissions.models import Submission

OFFLINE_FORM_MAX_BYTES = 512 * 1024  # some 80,000 words: every text answer at its word limit fits
HEADER = "==+=="
NOTE = "==-=="
END = "End of review"
_PAPER = re.compile(r"^Paper\s*#\s*(\d+)$", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^(-?\d+)\b")
_YES = {"yes", "y", "x", "[x]", "true", "1", "ticked", "checked"}
_NO = {"no", "n", "[ ]", "false", "0", "unticked", ""}


def _scale_hint(item: ReviewField) -> str:
    levels = item.levels
    if item.type == FieldType.SCORE and levels:
        first, last = levels[0], levels[-1]
        return f" ({first[0]}-{last[0]}: {first[0]} {first[1]} ... {last[0]} {last[1]})"
    if item.type == FieldType.CHOICE and levels:
        return " (" + ", ".join(str(level) for level, _ in levels) + ")"
    if item.type == FieldType.CHECKBOX:
        return " (yes or no)"
    return ""


def _notes(item: ReviewField) -> list[str]:
    audience = "Visible to authors." if item.is_for_authors else "PC only: never shown to authors."
    required = " Required." if item.required and item.type != FieldType.CHECKBOX else " Optional."
    lines = [audience + required]
    if item.help_text:
        lines.append(item.help_text)
    if item.type == FieldType.TEXT:
        limits = []
        if item.min_words:
            limits.append(f"at least {item.min_words} words")
        if item.max_words:
            limits.append(f"at most {item.max_words} words")
        if limits:
            lines.append("Write " + " and ".join(limits) + ".")
    elif item.type in (FieldType.SCORE, FieldType.CHOICE):
        lines.append("Choices:")
        lines += [f"   {level}  {label}" for level, label in item.levels]
        lines.append("Enter the " + ("number" if item.type == FieldType.SCORE else "word") + " of your choice:")
    elif item.type == FieldType.CHECKBOX:
        lines.append('Enter "yes" or "no":')
    return [f"{NOTE} {line}" for line in lines]


def _answer_lines(item: ReviewField, value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if item.type == FieldType.CHECKBOX:
        return ["yes" if value else "no"]
    if item.type == FieldType.TEXT:
        # A line that looks like a header would end the answer when read back: indent it.
        return [(" " + line if line.startswith(("==+==", "==-==")) else line) for line in str(value).split("\n")]
    return [str(value)]


def render_offline(
    submission: Submission,
    fields: list[ReviewField],
    answers: dict[str, Any],
    *,
    form: FormKind,
    closes_at: datetime | None,
) -> str:
    """The form of ``submission`` as text, with ``answers`` filled in."""
    what = "meta-review" if form == FormKind.META else "review"
    lines = [
        f"{HEADER} {submission.edition.name} {what} form",
        f'{NOTE} Write your answer below each "{HEADER}" question, then upload this file on the paper\'s',
        f'{NOTE} {what} page. Do not change the lines that start with "{HEADER}". Lines that start with',
        f'{NOTE} "{NOTE}" are notes and are ignored. A question left out of the file keeps its saved answer.',
        "",
        f"{HEADER} Paper #{submission.number}",
        f"{NOTE} Title: {submission.title}",
    ]
    if closes_at is not None:
        lines.append(f"{NOTE} Deadline: {format_aoe(closes_at)}")
    for item in fields:
        lines += [
            "",
            f"{HEADER} {item.label}{_scale_hint(item)}",
            *_notes(item),
            "",
            *_answer_lines(item, answers.get(item.key)),
        ]
    lines += ["", f"{HEADER} {END}", ""]
    return "\n".join(lines)


def _match_field(header: str, fields: list[ReviewField]) -> ReviewField | None:
    """The field a header names: its label, with or without the scale in brackets."""
    wanted = header.casefold()
    found = [
        item
        for item in fields
        if wanted == item.label.casefold()
        or wanted.startswith(item.label.casefold() + " (")
        or wanted == (item.label + _scale_hint(item)).casefold()
    ]
    return max(found, key=lambda item: len(item.label)) if found else None


def _value(item: ReviewField, text: str) -> Any:
    """The answer a section's text gives, or a ValueError with the message for its author."""
    if item.type == FieldType.TEXT:
        return text
    value = text.strip()
    if item.type == FieldType.CHECKBOX:
        if value.casefold() in _YES:
            return True
        if value.casefold() in _NO:
            return False
        raise ValueError(f'enter "yes" or "no", not "{_short(value)}"')
    if not value:
        return None
    levels = item.levels
    for level, label in levels:
        if value.casefold() in (str(level).casefold(), str(label).casefold()):
            return level
    number = _LEADING_NUMBER.match(value)
    if item.type == FieldType.SCORE and number:
        for level, _label in levels:
            if str(level) == number.group(1):
                return level
    choices = ", ".join(f"{level} ({label})" for level, label in levels)
    raise ValueError(f'"{_short(value)}" is not one of {choices}')


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def decode_upload(content: bytes) -> str:
    if len(content) > OFFLINE_FORM_MAX_BYTES:
        raise ValidationError(f"The file is too large: at most {OFFLINE_FORM_MAX_BYTES // 1024} KB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError("The file is not plain text in UTF-8: save it as text and upload it again.") from error
    if "\x00" in text:
        raise ValidationError("The file is not plain text in UTF-8: save it as text and upload it again.")
    return text


def parse_offline(content: bytes, fields: list[ReviewField], submission: Submission) -> dict[str, Any]:
    """The answers of the sections the file has (None for an emptied one), by field key; or one
    ValidationError with every problem found, each naming its line."""
    text = decode_upload(content)
    errors: list[str] = []
    texts: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    current: str | None = None  # the field key whose answer the lines belong to
    seen_paper = ended = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.startswith(NOTE) or ended:
            continue
        if line.startswith(HEADER):
            header = line[len(HEADER) :].strip()
            current = None
            paper = _PAPER.match(header)
            if paper:
                seen_paper = True
                if int(paper.group(1)) != submission.number:
                    errors.append(
                        f"Line {number}: this form is for paper #{paper.group(1)}, not #{submission.number}: "
                        "upload it on that paper's page."
                    )
                continue
            if header.casefold() == END.casefold():
                ended = True
                continue
            if not starts and not texts and header.casefold().endswith("form"):
                continue  # the title line
            item = _match_field(header, fields)
            if item is None:
                errors.append(f'Line {number}: unknown section "{_short(header)}" (this form has no such question).')
                continue
            if item.key in texts:
                errors.append(f'Line {number}: "{item.label}" appears twice (first on line {starts[item.key]}).')
                continue
            current = item.key
            texts[current] = []
            starts[current] = number
            continue
        if current is not None:
            texts[current].append(raw[1:] if raw.startswith(" ==") else raw.rstrip())
        elif line.strip():
            errors.append(f'Line {number}: text outside any question ("{_short(line)}").')
    if not seen_paper:
        errors.append(f'The file has no "{HEADER} Paper #{submission.number}" line: is it a review form of this site?')
    answers: dict[str, Any] = {}
    by_key = {item.key: item for item in fields}
    for key, lines in texts.items():
        item = by_key[key]
        body = "\n".join(lines).strip("\n")
        if item.type == FieldType.TEXT:
            body = "\n".join(line.rstrip() for line in body.split("\n")).strip()
        try:
            answers[key] = _value(item, body)
        except ValueError as error:
            errors.append(f'Line {starts[key]}: "{item.label}": {error}.')
    if errors:
        raise ValidationError(errors)
    return answers
