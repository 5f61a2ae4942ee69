"""Chairs' forms. Times are typed in the edition's zone (the page activates it); on the deadlines
form each time may instead be typed in AoE (a choice next to it). The API reads a time sent
without an offset the same way (``conferences.api``, through ``wall_clock_to_instant``)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from conferences.models import Deadline, Edition, Phase, ReleaseKind
from conferences.phases import AOE
from conferences.services import EDITION_FIELDS, PhaseWindowInput
from mlsys_conf.limits import BoundedDateTimeField, check_moment

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format=DATETIME_FORMAT)

# The zone a time without an offset is typed in: the edition's (the active one) or AoE (UTC-12).
IN_EDITION_ZONE, IN_AOE = "edition", "aoe"
TIME_ZONE_OF_ENTRY = [(IN_EDITION_ZONE, "The edition's time zone"), (IN_AOE, "AoE (Anywhere on Earth, UTC-12)")]


def wall_clock_to_instant(moment: datetime, zone: str = IN_EDITION_ZONE) -> datetime:
    """A time with an offset is that instant; one without is read in AoE or in the active zone
    (the edition's), where a time the clock skips or repeats raises ``ValidationError``."""
    if timezone.is_aware(moment):
        return moment
    if zone == IN_AOE:
        return moment.replace(tzinfo=AOE)
    return from_current_timezone(moment)


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


class WallClockField(forms.DateTimeField):
    """A typed date and time, left naive (its zone is chosen next to it); one typed with an offset
    stays that instant."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        return moment or BaseTemporalField.to_python(self, value)


class ZonedDateTimeWidget(forms.MultiWidget):
    """The date and time input (named as the field) and the zone it is typed in (``<name>_zone``);
    ``conferences/deadlines_form.js`` adds a "23:59 AoE" button to each."""

    template_name = "conferences/widgets/zoned_datetime.html"

    def __init__(self, zone_label: str) -> None:
        choices = [(IN_EDITION_ZONE, zone_label), (IN_AOE, "AoE")]
        super().__init__(
            {
                "": forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format=DATETIME_FORMAT),
                "zone": forms.Select(
                    choices=choices, attrs={"class": "time-zone-choice", "aria-label": "Zone of this time"}
                ),
            }
        )

    def decompress(self, value: datetime | None) -> list[Any]:
        return [timezone.localtime(value) if value else None, IN_EDITION_ZONE]


class ZonedDateTimeField(forms.MultiValueField):
    """A time typed in the edition's zone or in AoE, cleaned to the instant (aware)."""

    def __init__(self, **kwargs: Any) -> None:
        zone_label = timezone.get_current_timezone_name()
        fields = (WallClockField(required=False), forms.ChoiceField(choices=TIME_ZONE_OF_ENTRY, required=False))
        super().__init__(fields, require_all_fields=False, widget=ZonedDateTimeWidget(zone_label), **kwargs)

    def compress(self, data_list: list[Any]) -> datetime | None:
        if not data_list or not data_list[0]:
            return None
        moment = wall_clock_to_instant(data_list[0], data_list[1] or IN_EDITION_ZONE)
        check_moment(moment)
        return moment


@dataclass(frozen=True)
class DeadlineCell:
    """One time of a phase on the form, and the instant it was read as (once the form is valid)."""

    field: forms.BoundField
    moment: datetime | None


class DeadlinesForm(forms.Form):
    """One row per phase: an optional opening and a closing time, to the second, each typed in the
    edition's zone or in AoE."""

    KINDS = ("opens", "soft", "closes")

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
            self.fields[f"{phase.value}_opens"] = ZonedDateTimeField(required=False, label=f"{phase.label} opens")
            self.fields[f"{phase.value}_soft"] = ZonedDateTimeField(
                required=False, label=f"{phase.label} announced deadline"
            )
            self.fields[f"{phase.value}_closes"] = ZonedDateTimeField(required=False, label=f"{phase.label} closes")

    def rows(self) -> list[tuple[Phase, list[DeadlineCell]]]:
        """Each phase with its three cells (opens, announced deadline, hard deadline)."""
        cleaned = getattr(self, "cleaned_data", {}) if not self.errors else {}
        return [
            (phase, [DeadlineCell(self[f"{phase.value}_{k}"], cleaned.get(f"{phase.value}_{k}")) for k in self.KINDS])
            for phase in Phase
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for phase in Phase:
            given = data.get(f"{phase.value}_opens") or data.get(f"{phase.value}_soft")
            if given and not data.get(f"{phase.value}_closes"):
                self.add_error(f"{phase.value}_closes", "A phase that opens needs a deadline too.")
        if not self.errors:  # the service checks the same again when saving; a preview shows it first
            for phase, window in self.windows(data).items():
                if window and (problem := window.problem(phase)):
                    self.add_error(None, problem)
        return data

    def windows(self, data: dict[str, Any] | None = None) -> dict[Phase, PhaseWindowInput | None]:
        data = self.cleaned_data if data is None else data
        result: dict[Phase, PhaseWindowInput | None] = {}
        for phase in Phase:
            closes = data.get(f"{phase.value}_closes")
            result[phase] = (
                PhaseWindowInput(data.get(f"{phase.value}_opens"), closes, data.get(f"{phase.value}_soft"))
                if closes
                else None
            )
        return result


class ReleaseForm(forms.Form):
    """One release: schedule it for a time, take the plan back, or release it at once."""

    SCHEDULE, UNSCHEDULE, NOW = "schedule", "unschedule", "now"

    kind = forms.ChoiceField(choices=ReleaseKind.choices, widget=forms.HiddenInput)
    do = forms.ChoiceField(choices=[(SCHEDULE, "Schedule"), (UNSCHEDULE, "Take the plan back"), (NOW, "Release now")])
    at = BoundedDateTimeField(required=False, widget=DATETIME_WIDGET, label="Release at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("do") == self.SCHEDULE and not data.get("at"):
            self.add_error("at", "Give the time of the release, to the second.")
        return data
