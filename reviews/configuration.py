"""The chairs' configuration of joint review: the fields of the review and meta-review forms, the
edition's review settings (visibility, author response, reminders) and the review rounds.

Every function requires :func:`reviews.policy.can_configure_reviews`, runs in one transaction and
records what it changed in the action log. Answers are kept by field key, so a field's key is
made once from its label and never changes; a field someone has answered is retired, never
deleted, and a score or choice never loses a level an answer uses.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.fields.json import KeyTransform
from django.utils.text import slugify

from actionlog.services import changed_fields, record_action
from conferences.models import Edition
from mlsys_conf.limits import MOMENT_OUT_OF_RANGE, moment_in_range
from mlsys_conf.policy import require
from reviews.models import (
    FieldAudience,
    FieldType,
    FormKind,
    Review,
    ReviewField,
    ReviewKind,
    ReviewRound,
    ReviewSettings,
)
from reviews.policy import can_configure_reviews
from reviews.selectors import current_round, review_form

KEY_LENGTH = 32  # of the slug; room is left for a "_2" suffix within the column's 40
LEVELLED = (FieldType.SCORE, FieldType.CHOICE)
FIELD_FIELDS = ["label", "help_text", "levels", "min_words", "max_words", "required", "audience"]
SETTINGS_FIELDS = [
    "pc_sees_reviews",
    "pc_sees_names",
    "response_per_review",
    "response_word_limit",
    "reminder_days_before",
]
ROUND_FIELDS = ["name", "closes_at"]
MAX_LEVELS = 20
# A score's level as typed: ASCII digits only, at most nine ("²" is a digit to str.isdigit()
# but not to int(), "--1" passed the old check, and int() refuses more than 4,300 digits).
WHOLE_NUMBER = re.compile(r"\s*-?[0-9]{1,9}\s*")


def is_whole_number(text: str) -> bool:
    return WHOLE_NUMBER.fullmatch(text) is not None


# --- Checks shared by the pages and the API ------------------------------------------------------


def clean_levels(field_type: str, levels: Any) -> list[list[Any]]:
    """``[[value, label], ...]`` as stored: a score's values are distinct integers in ascending
    order, a choice's distinct short texts; every level has a label; two levels at least."""
    if field_type not in LEVELLED:
        if levels:
            raise ValidationError({"levels": "Only scores and choices have levels."})
        return []
    if not isinstance(levels, list | tuple) or not all(
        isinstance(pair, list | tuple) and len(pair) == 2 for pair in levels
    ):
        raise ValidationError({"levels": "Give each level as a value and a label."})
    if not 2 <= len(levels) <= MAX_LEVELS:
        raise ValidationError({"levels": f"Give between 2 and {MAX_LEVELS} levels."})
    cleaned: list[list[Any]] = []
    for value, label in levels:
        label = str(label).strip() if label is not None else ""
        if not label or len(label) > 100:
            raise ValidationError({"levels": "Every level needs a label (at most 100 characters)."})
        if field_type == FieldType.SCORE:
            if isinstance(value, bool) or not isinstance(value, int | str) or not is_whole_number(str(value)):
                raise ValidationError({"levels": f"A score's level is a whole number, not {value!r}."})
            value = int(value)
        else:
            value = str(value).strip()
            if not value or len(value) > 40:
                raise ValidationError({"levels": "Every option needs a value of 1 to 40 characters."})
        cleaned.append([value, label])
    values = [value for value, _ in cleaned]
    if len(set(values)) != len(values):
        raise ValidationError({"levels": "Two levels have the same value."})
    if field_type == FieldType.SCORE and values != sorted(values):
        raise ValidationError({"levels": "List a score's levels in ascending order of value."})
    return cleaned


def _check_limits(field: ReviewField) -> None:
    if field.type != FieldType.TEXT:
        field.min_words, field.max_words = 0, None
        return
    if field.max_words is not None and field.max_words < max(field.min_words, 1):
        raise ValidationError({"max_words": "The word limit must be at least the minimum (and at least 1)."})


def _validated(field: ReviewField) -> None:
    field.label = field.label.strip()
    if not field.label:
        raise ValidationError({"label": "Give the field a label."})
    field.levels = clean_levels(field.type, field.levels)
    _check_limits(field)
    field.full_clean(exclude=["form", "key", "levels"], validate_unique=False, validate_constraints=False)


def _reviews_of_form(field: ReviewField) -> Any:
    """The reviews that answer the field's form (meta-reviews for the meta-review form)."""
    reviews = Review.objects.filter(submission__edition_id=field.form.edition_id)
    if field.form.kind == FormKind.META:
        return reviews.filter(kind=ReviewKind.META)
    return reviews.exclude(kind=ReviewKind.META)


_ANY = object()


def _reviews_answering(field: ReviewField, value: Any = _ANY) -> int:
    """How many reviews answer ``field`` (a draft, the current text or an earlier version); with
    ``value``, how many give that answer."""
    reviews = _reviews_of_form(field)
    if value is _ANY:
        answering = Q(answers__has_key=field.key) | Q(versions__answers__has_key=field.key)
    else:
        reviews = reviews.alias(
            answer_now=KeyTransform(field.key, "answers"), answer_then=KeyTransform(field.key, "versions__answers")
        )
        answering = Q(answer_now=value) | Q(answer_then=value)
    return reviews.filter(answering).values("pk").distinct().count()


def answer_count(field: ReviewField) -> int:
    """How many reviews answer the field (drafts and earlier versions included)."""
    return _reviews_answering(field)


def answer_counts(fields: list[ReviewField]) -> dict[str, int]:
    """How many reviews answer each of the fields of one form, in one query."""
    if not fields:
        return {}
    reviews = _reviews_of_form(fields[0])
    counts = reviews.aggregate(
        **{
            f"n{index}": Count(
                "pk", distinct=True, filter=Q(answers__has_key=f.key) | Q(versions__answers__has_key=f.key)
            )
            for index, f in enumerate(fields)
        }
    )
    return {f.key: counts[f"n{index}"] for index, f in enumerate(fields)}


def _refuse_dropped_levels(field: ReviewField, old_levels: list[list[Any]]) -> None:
    """A level given in an answer may be relabelled, never removed (the answer would be lost)."""
    kept = {str(value) for value, _ in field.levels}
    problems = []
    for value, label in old_levels:
        if str(value) in kept:
            continue
        used = _reviews_answering(field, value)
        if used:
            reviews = "1 review uses it" if used == 1 else f"{used} reviews use it"
            problems.append(f'The level {value} ("{label}") cannot be removed: {reviews}.')
    if problems:
        raise ValidationError({"levels": problems})


def _key_for(form_id: int, label: str) -> str:
    """A slug of the label, unique in the form (retired fields included), never reused."""
    base = slugify(label).replace("-", "_")[:KEY_LENGTH].strip("_") or "field"
    taken = set(ReviewField.objects.filter(form_id=form_id).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _locked_form(edition: Edition, kind: FormKind) -> Any:
    form = review_form(edition, kind)
    return type(form).objects.select_for_update().get(pk=form.pk)


def _field_state(field: ReviewField) -> dict[str, Any]:
    return {name: getattr(field, name) for name in FIELD_FIELDS}


def _log_field(field: ReviewField, by: Any, action: str, changes: dict[str, tuple[Any, Any]], note: str = "") -> None:
    record_action(
        edition=field.form.edition,
        actor=by,
        action=action,
        target=field,
        changes=changes,
        note=note or f"{FormKind(field.form.kind).label} form, field {field.key}",
    )


# --- Form fields ---------------------------------------------------------------------------------


@transaction.atomic
def field_add(
    *,
    by: Any,
    edition: Edition,
    kind: FormKind,
    label: str,
    type: str,
    help_text: str = "",
    levels: list[list[Any]] | None = None,
    min_words: int = 0,
    max_words: int | None = None,
    required: bool = True,
    audience: str = FieldAudience.AUTHORS,
) -> ReviewField:
    """A new question at the end of the form, its key made from its label."""
    require(can_configure_reviews(by, edition))
    if type not in FieldType.values:
        raise ValidationError({"type": f"Choose one of {', '.join(FieldType.values)}."})
    form = _locked_form(edition, FormKind(kind))
    last = ReviewField.objects.filter(form=form).aggregate(last=Max("position"))["last"] or 0
    field = ReviewField(
        form=form,
        label=label,
        help_text=help_text,
        type=type,
        levels=levels or [],
        min_words=min_words or 0,
        max_words=max_words,
        required=required,
        audience=audience,
        position=last + 1,
    )
    _validated(field)
    field.key = _key_for(form.pk, field.label)
    field.save()
    _log_field(
        field,
        by,
        "review_form.field_added",
        {name: (None, value) for name, value in _field_state(field).items() if value is not None},
    )
    return field


@transaction.atomic
def field_change(*, by: Any, field: ReviewField, **changes: Any) -> ReviewField:
    """Change a field's label, help text, word limits, levels, whether it is required or its
    audience. Its key and type never change; a level an answer uses is never removed."""
    require(can_configure_reviews(by, field.form.edition))
    unknown = set(changes) - set(FIELD_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    _locked_form(field.form.edition, FormKind(field.form.kind))
    field = ReviewField.objects.select_related("form__edition").get(pk=field.pk)
    before = _field_state(field)
    for name, value in changes.items():
        setattr(field, name, value)
    _validated(field)
    if field.type in LEVELLED and field.levels != before["levels"]:
        _refuse_dropped_levels(field, before["levels"])
    diff = changed_fields(field, before, FIELD_FIELDS)
    if diff:
        field.save()
        _log_field(field, by, "review_form.field_changed", diff)
    return field


@transaction.atomic
def field_move(*, by: Any, field: ReviewField, to: int) -> ReviewField:
    """Put the field at position ``to`` (1 for the first question) among those still asked."""
    require(can_configure_reviews(by, field.form.edition))
    form = _locked_form(field.form.edition, FormKind(field.form.kind))
    asked = list(ReviewField.objects.filter(form=form, retired=False))
    current = next((f for f in asked if f.pk == field.pk), None)
    if current is None:
        raise ValidationError("This field is no longer asked.")
    before = asked.index(current) + 1
    to = min(max(int(to), 1), len(asked))
    if to == before:
        return current
    asked.remove(current)
    asked.insert(to - 1, current)
    for position, each in enumerate(asked, 1):
        each.position = position
    ReviewField.objects.bulk_update(asked, ["position"])
    _log_field(current, by, "review_form.field_moved", {"position": (before, to)})
    return current


@transaction.atomic
def field_remove(*, by: Any, field: ReviewField) -> bool:
    """Remove a question: deleted if nobody has answered it (a draft counts), else retired (no
    longer asked; the answers given stay on the reviews). True if it was deleted."""
    require(can_configure_reviews(by, field.form.edition))
    _locked_form(field.form.edition, FormKind(field.form.kind))
    field = ReviewField.objects.select_related("form__edition").get(pk=field.pk)
    if field.retired:
        raise ValidationError("This field is already retired.")
    answered = answer_count(field)
    if answered:
        field.retired = True
        field.save(update_fields=["retired"])
        _log_field(field, by, "review_form.field_retired", {"retired": (False, True)}, note=f"{answered} answers kept")
        return False
    _log_field(
        field, by, "review_form.field_deleted", {name: (value, None) for name, value in _field_state(field).items()}
    )
    field.delete()
    return True


@transaction.atomic
def field_restore(*, by: Any, field: ReviewField) -> ReviewField:
    """Ask a retired field again, at the end of the form (its answers were kept)."""
    require(can_configure_reviews(by, field.form.edition))
    form = _locked_form(field.form.edition, FormKind(field.form.kind))
    field = ReviewField.objects.select_related("form__edition").get(pk=field.pk)
    if not field.retired:
        raise ValidationError("This field is still asked.")
    last = ReviewField.objects.filter(form=form, retired=False).aggregate(last=Max("position"))["last"] or 0
    field.retired, field.position = False, last + 1
    field.save(update_fields=["retired", "position"])
    _log_field(field, by, "review_form.field_restored", {"retired": (True, False)})
    return field


# --- Settings and rounds -------------------------------------------------------------------------


@transaction.atomic
def settings_change(*, by: Any, edition: Edition, **changes: Any) -> ReviewSettings:
    """Change the edition's review settings (who sees reviews and names, the response, reminders)."""
    require(can_configure_reviews(by, edition))
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"These are not review settings: {', '.join(sorted(unknown))}.")
    ReviewSettings.objects.get_or_create(edition=edition)
    current = ReviewSettings.objects.select_for_update().get(edition=edition)
    before = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean(exclude=["edition"])
    diff = changed_fields(current, before, SETTINGS_FIELDS)
    if diff:
        current.save()
        record_action(edition=edition, actor=by, action="review_settings.changed", target=current, changes=diff)
    edition.review_settings = current
    return current


def _round_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 20:
        raise ValidationError({"name": "Name the round in 1 to 20 characters (say R2)."})
    return name


def next_round_name(edition: Edition) -> str:
    return f"R{ReviewRound.objects.filter(edition=edition).count() + 1}"


def _check_closes_at(closes_at: Any) -> None:
    if isinstance(closes_at, datetime) and not moment_in_range(closes_at):
        raise ValidationError({"closes_at": MOMENT_OUT_OF_RANGE})


@transaction.atomic
def round_add(*, by: Any, edition: Edition, name: str, closes_at: datetime | None = None) -> ReviewRound:
    """A new round after the others (R2 after R1): reviews started from now on belong to it."""
    require(can_configure_reviews(by, edition))
    current_round(edition)  # R1 exists before R2
    name = _round_name(name)
    _check_closes_at(closes_at)
    if ReviewRound.objects.filter(edition=edition, name=name).exists():
        raise ValidationError({"name": f"There is a round {name} already."})
    last = ReviewRound.objects.filter(edition=edition).aggregate(last=Max("position"))["last"] or 0
    try:
        with transaction.atomic():
            review_round = ReviewRound.objects.create(
                edition=edition, name=name, position=last + 1, closes_at=closes_at
            )
    except IntegrityError:
        raise ValidationError({"name": f"There is a round {name} already."}) from None
    record_action(
        edition=edition,
        actor=by,
        action="review_round.added",
        target=review_round,
        changes={"name": (None, name), "closes_at": (None, closes_at)},
    )
    return review_round


@transaction.atomic
def round_change(*, by: Any, review_round: ReviewRound, **changes: Any) -> ReviewRound:
    """Rename a round or set its own deadline (``closes_at=None``: the reviewing phase's)."""
    require(can_configure_reviews(by, review_round.edition))
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    review_round = ReviewRound.objects.select_for_update().select_related("edition").get(pk=review_round.pk)
    before = {name: getattr(review_round, name) for name in ROUND_FIELDS}
    if "name" in changes:
        changes["name"] = _round_name(changes["name"])
        taken = ReviewRound.objects.filter(edition=review_round.edition, name=changes["name"])
        if taken.exclude(pk=review_round.pk).exists():
            raise ValidationError({"name": f"There is a round {changes['name']} already."})
    _check_closes_at(changes.get("closes_at"))
    for name, value in changes.items():
        setattr(review_round, name, value)
    diff = changed_fields(review_round, before, ROUND_FIELDS)
    if diff:
        review_round.save()
        record_action(
            edition=review_round.edition, actor=by, action="review_round.changed", target=review_round, changes=diff
        )
    return review_round
