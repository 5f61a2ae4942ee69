"""The chairs' forms for configuring joint review: a form's field, the review settings, a round.

What makes a field or a level valid is checked again by :mod:`reviews.configuration` (the API
calls it too); these forms read what a chair types and show the errors next to it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from conferences.forms import ZonedDateTimeField
from reviews.configuration import is_whole_number
from reviews.models import FieldAudience, FieldType, ReviewField, ReviewSettings

LEVELS_HELP = (
    'One level per line, as "value: label" (e.g. "1: Strong reject"), lowest first for a score. '
    "A line with only a label takes the next number (a score) or a value made from the label (a choice). "
    "A level an answer uses may be relabelled but not removed."
)


def levels_from_text(field_type: str, text: str) -> list[list[Any]]:
    """The ``[[value, label], ...]`` a chair typed, one level per line."""
    levels: list[list[Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        value, sep, label = line.partition(":")
        value, label = value.strip(), label.strip()
        if not sep or not value or (field_type == FieldType.SCORE and not is_whole_number(value)):
            label = line
            if field_type == FieldType.SCORE:
                value = str(int(levels[-1][0]) + 1 if levels else 1)
            else:
                value = slugify(line).replace("-", "_")[:40] or line[:40]
        levels.append([int(value) if field_type == FieldType.SCORE else value, label])
    return levels


def levels_as_text(levels: list[list[Any]]) -> str:
    return "\n".join(f"{value}: {label}" for value, label in levels)


class FieldForm(forms.Form):
    """A question of a review form. ``type`` is chosen when the field is added, never after."""

    label = forms.CharField(max_length=200)
    help_text = forms.CharField(max_length=500, required=False, label="Help text")
    type = forms.ChoiceField(choices=FieldType.choices)
    levels = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="Levels or options",
        help_text=LEVELS_HELP,
    )
    min_words = forms.IntegerField(min_value=0, max_value=10_000, required=False, label="Minimum words")
    max_words = forms.IntegerField(
        min_value=1, max_value=10_000, required=False, label="Maximum words", help_text="Empty: no limit."
    )
    required = forms.BooleanField(required=False, initial=True)
    audience = forms.ChoiceField(choices=FieldAudience.choices, initial=FieldAudience.AUTHORS, label="Seen by")

    def __init__(self, *args: Any, field: ReviewField | None = None, **kwargs: Any) -> None:
        self.instance = field
        if field is not None:
            kwargs.setdefault(
                "initial",
                {
                    "label": field.label,
                    "help_text": field.help_text,
                    "type": field.type,
                    "levels": levels_as_text(field.levels),
                    "min_words": field.min_words,
                    "max_words": field.max_words,
                    "required": field.required,
                    "audience": field.audience,
                },
            )
        super().__init__(*args, **kwargs)
        if field is not None:
            del self.fields["type"]
            if field.type not in (FieldType.SCORE, FieldType.CHOICE):
                del self.fields["levels"]
            if field.type != FieldType.TEXT:
                del self.fields["min_words"]
                del self.fields["max_words"]

    @property
    def field_type(self) -> str:
        if self.instance is not None:
            return self.instance.type
        return str(self.cleaned_data.get("type", ""))

    def clean_levels(self) -> list[list[Any]]:
        return levels_from_text(self.field_type, self.cleaned_data.get("levels") or "")

    def values(self) -> dict[str, Any]:
        """What to pass to the service (only what this field's type has)."""
        data = dict(self.cleaned_data)
        if "min_words" in data:
            data["min_words"] = data["min_words"] or 0
        return data


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = (
            "pc_sees_reviews",
            "pc_sees_names",
            "response_per_review",
            "response_word_limit",
            "reminder_days_before",
        )
        labels = {
            "pc_sees_reviews": "PC members see a paper's other reviews",
            "pc_sees_names": "PC members see who wrote the other reviews",
            "response_per_review": "One author response per review",
            "response_word_limit": "Author response word limit",
            "reminder_days_before": "Reminder (days before the deadline)",
        }
        widgets = {"pc_sees_reviews": forms.RadioSelect, "pc_sees_names": forms.RadioSelect}


class RoundForm(forms.Form):
    """A round's name and its own deadline, typed in the edition's zone or in AoE."""

    name = forms.CharField(max_length=20, help_text="Say R2.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Made per form: the zone it names is the page's (the edition's), active only now.
        self.fields["closes_at"] = ZonedDateTimeField(
            required=False, label="Deadline", help_text="Empty: the round closes with the reviewing phase."
        )


class ReviewTypeForm(forms.Form):
    """A reviewer of the paper (by user id, from the chairs' list) and the type of their review."""

    user = forms.IntegerField(min_value=1)
    secondary = forms.TypedChoiceField(choices=[("0", "Primary"), ("1", "Secondary")], coerce=lambda v: v == "1")
