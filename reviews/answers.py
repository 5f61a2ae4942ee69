"""Checking a review's answers against its form: types, levels, word limits, required fields.

A draft may be incomplete (required fields and minimum lengths are checked on submission), but
never malformed: an unknown key, a value of the wrong type, a level the field does not have or
text over its word limit is refused whenever it is saved, with one message per field.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from mlsys_conf.limits import NUL_REFUSED, REVIEW_ANSWER_MAX_CHARS
from reviews.models import FieldType, ReviewField

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value is False


def _clean_value(field: ReviewField, value: Any) -> Any:
    """The value as stored, or a ValidationError message for this field."""
    if field.type == FieldType.TEXT:
        if not isinstance(value, str):
            raise ValidationError("Write text here.")
        if len(value) > REVIEW_ANSWER_MAX_CHARS:
            raise ValidationError(f"At most {REVIEW_ANSWER_MAX_CHARS:,} characters.")
        if "\x00" in value:  # PostgreSQL's JSON cannot hold it
            raise ValidationError(NUL_REFUSED)
        words = word_count(value)
        if field.max_words is not None and words > field.max_words:
            raise ValidationError(f"At most {field.max_words} words (this has {words}).")
        return value.replace("\r\n", "\n")
    if field.type == FieldType.CHECKBOX:
        if not isinstance(value, bool):
            raise ValidationError("Tick the box or leave it empty.")
        return value
    allowed = [level for level, _ in field.levels]
    candidates = [level for level in allowed if str(level) == str(value)]
    if not candidates or isinstance(value, bool):
        labels = ", ".join(f"{level} ({label})" for level, label in field.levels)
        raise ValidationError(f"Choose one of {labels}.")
    return candidates[0]


def clean_answers(fields: list[ReviewField], answers: Any, *, complete: bool) -> dict[str, Any]:
    """The answers to store. ``complete``: also require what the form requires (submission)."""
    if not isinstance(answers, dict):
        raise ValidationError("The answers must map each field's key to a value.")
    by_key = {field.key: field for field in fields}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - set(by_key))
    if unknown:
        errors["__all__"] = [f"This form has no field {', '.join(map(repr, unknown[:5]))}."]
    cleaned: dict[str, Any] = {}
    for key, field in by_key.items():
        value = answers.get(key)
        if _is_empty(value):
            if complete and field.required and field.type != FieldType.CHECKBOX:
                errors[key] = ["Please answer this before submitting."]
            continue
        try:
            cleaned[key] = _clean_value(field, value)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if complete and field.type == FieldType.TEXT and word_count(cleaned[key]) < field.min_words:
            errors[key] = [f"At least {field.min_words} words, please (this has {word_count(cleaned[key])})."]
    if errors:
        raise ValidationError(errors)
    return cleaned
