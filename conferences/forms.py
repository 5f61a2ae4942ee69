"""Chairs' forms. Times are typed in the edition's zone (the page activates it); the deadlines
API reads a time sent without an offset the same way (``conferences.api.EditionTimeField``)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from conferences.models import Deadline, Edition, Phase, ReleaseKind
from conferences.services import EDITION_FIELDS, PhaseWindowInput

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S")


def time_zone_choices() -> list[tuple[str, str]]:
    """Every zone of the tz database, by name (a chair picks one, never types one)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class EditionSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Deadlines are shown in this zone and in AoE.",
        error_messages={"invalid_choice": "'%(value)s' is not a time zone name such as Europe/Berlin."},
    )

    class Meta:
        model = Edition
        fields = EDITION_FIELDS
        labels = {
            "systems_reviewers_per_paper": "Systems reviewers per paper",
            "ml_reviewers_per_paper": "ML reviewers per paper",
            "max_pdf_mb": "Maximum PDF size (MB)",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "call_for_papers": forms.Textarea(attrs={"rows": 6}),
        }


class DeadlinesForm(forms.Form):
    """One row per phase: an optional opening and a closing time, to the second."""

    def __init__(self, *args: Any, deadlines: list[Deadline], **kwargs: Any) -> None:
        current = {d.phase: d for d in deadlines}
        initial = {}
        for phase in Phase:
            if phase in current:
                initial[f"{phase.value}_opens"] = current[phase].opens_at
                initial[f"{phase.value}_soft"] = current[phase].soft_closes_at
                initial[f"{phase.value}_closes"] = current[phase].closes_at
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for phase in Phase:
            self.fields[f"{phase.value}_opens"] = forms.DateTimeField(
                required=False, widget=DATETIME_WIDGET, label=f"{phase.label} opens"
            )
            self.fields[f"{phase.value}_soft"] = forms.DateTimeField(
                required=False, widget=DATETIME_WIDGET, label=f"{phase.label} announced deadline"
            )
            self.fields[f"{phase.value}_closes"] = forms.DateTimeField(
                required=False, widget=DATETIME_WIDGET, label=f"{phase.label} closes"
            )

    def rows(self) -> list[tuple[Phase, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"{p.value}_opens"], self[f"{p.value}_soft"], self[f"{p.value}_closes"]) for p in Phase]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for phase in Phase:
            given = data.get(f"{phase.value}_opens") or data.get(f"{phase.value}_soft")
            if given and not data.get(f"{phase.value}_closes"):
                self.add_error(f"{phase.value}_closes", "A phase that opens needs a deadline too.")
        return data

    def windows(self) -> dict[Phase, PhaseWindowInput | None]:
        result: dict[Phase, PhaseWindowInput | None] = {}
        for phase in Phase:
            closes = self.cleaned_data.get(f"{phase.value}_closes")
            result[phase] = (
                PhaseWindowInput(
                    self.cleaned_data.get(f"{phase.value}_opens"), closes, self.cleaned_data.get(f"{phase.value}_soft")
                )
                if closes
                else None
            )
        return result


class ReleaseForm(forms.Form):
    """One release: schedule it for a time, take the plan back, or release it at once."""

    SCHEDULE, UNSCHEDULE, NOW = "schedule", "unschedule", "now"

    kind = forms.ChoiceField(choices=ReleaseKind.choices, widget=forms.HiddenInput)
    do = forms.ChoiceField(choices=[(SCHEDULE, "Schedule"), (UNSCHEDULE, "Take the plan back"), (NOW, "Release now")])
    at = forms.DateTimeField(required=False, widget=DATETIME_WIDGET, label="Release at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("do") == self.SCHEDULE and not data.get("at"):
            self.add_error("at", "Give the time of the release, to the second.")
        return data
