"""How much text any input may carry: one place for the limits that forms, serializers and
models share, and the validators that enforce them before any query runs.

Searches are bounded in characters and in words (each word is one more condition on every
row), filters and free-text fields in characters. Pages answer an over-long filter with a 400
and the form's error; the API with a 400 whose JSON names the field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from rest_framework import serializers

# --- Searches and filters ----------------------------------------------------------------
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 20
FILTER_MAX_CHARS = 100  # one keyword, one name
PAGE_MAX = 100_000  # page numbers of a listing (?page=)

# --- Free text ---------------------------------------------------------------------------
TITLE_MAX = 300
ABSTRACT_MAX = 5000
PAPER_KEYWORDS_MAX = 500
PERSON_NAME_MAX = 200
AFFILIATION_MAX = 300
PROFILE_KEYWORDS_MAX = 1000
INSTITUTIONAL_DOMAINS_MAX = 2000
PUBLICATIONS_MAX = 40_000  # some twenty titles with their abstracts: what affinity reads
CONFLICT_DETAIL_MAX = 300
DECLINE_REASON_MAX = 2000
CALL_FOR_PAPERS_MAX = 20_000
AUTHORS_MAX = 50  # lines of one paper's author list
CONFLICTS_MAX = 1000  # conflicts one paper declares at once
DATETIME_INPUT_MAX = 40  # "2027-01-31T23:59:59.000000+05:30" and friends
BULK_INVITATIONS_MAX = 200  # people invited by one pasted list
BULK_INVITATIONS_TEXT_MAX = 100_000  # the pasted list itself, in characters
REVIEW_ANSWER_MAX_CHARS = 60_000  # one text answer of a review (its word limit is the form's)
COMMENT_MAX_CHARS = 20_000  # one message of a paper's discussion
RESPONSE_MAX_CHARS = 100_000  # an author response (its word limit is the edition's)
PUBLICATIONS_IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a DBLP/Semantic Scholar export, read in memory


def search_words(text: str) -> list[str]:
    """The distinct words of a search, lower-cased (searches ignore case), in their order."""
    return list(dict.fromkeys(text.lower().split()))


@deconstructible
class SearchValidator:
    """At most :data:`SEARCH_MAX_WORDS` distinct words. An over-long value is left to the
    field's length limit, which says what is wrong with it, and is not split."""

    def __call__(self, value: str) -> None:
        if len(value) > SEARCH_MAX_CHARS:
            return
        words = len(search_words(value))
        if words > SEARCH_MAX_WORDS:
            raise ValidationError(
                f"Search with at most {SEARCH_MAX_WORDS} words (this has {words}).", code="too_many_words"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchValidator)


def search_form_field(**kwargs: Any) -> forms.CharField:
    return forms.CharField(
        required=False, max_length=SEARCH_MAX_CHARS, validators=[SearchValidator()], label="Search", **kwargs
    )


def search_serializer_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=SEARCH_MAX_CHARS, validators=[SearchValidator()], **kwargs
    )


# --- Times --------------------------------------------------------------------------------
# Deadlines, extensions and releases lie within these years. Python's datetime stops at 9999:
# "9999-12-31 23:59" typed in AoE is in the year 10000 in UTC, which PostgreSQL stores but no
# page could read back ("year 10000 is out of range").
EARLIEST_MOMENT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
MOMENT_OUT_OF_RANGE = "Give a time between the years 1900 and 2999."


def moment_in_range(moment: datetime | None) -> bool:
    """Whether an aware ``moment`` lies within the years this site schedules in (no time and a
    time without a zone are not this check's business)."""
    return moment is None or moment.tzinfo is None or EARLIEST_MOMENT <= moment <= LATEST_MOMENT


def check_moment(moment: datetime | None) -> None:
    if not moment_in_range(moment):
        raise ValidationError(MOMENT_OUT_OF_RANGE, code="out_of_range")


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time, refused unread when longer than any way of writing one, and refused
    outside the years this site schedules in."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > DATETIME_INPUT_MAX:
            raise ValidationError("Enter a date and time like 2027-01-31 23:59:59.", code="invalid")
        moment = super().to_python(value)
        check_moment(moment)
        return moment


NUL_REFUSED = "Remove the NUL character (\\x00) from this text; it cannot be stored."


def refuse_nul_characters(instance: Any) -> None:
    """Refuse, per field, text containing NUL, which PostgreSQL cannot store (the driver would
    raise a ``ValueError`` mid-save). Forms and serializers refuse it already; a model's
    ``clean()`` calls this for every other way into a service."""
    errors = {
        field.name: NUL_REFUSED
        for field in instance._meta.concrete_fields
        if isinstance(value := getattr(instance, field.attname, None), str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)
