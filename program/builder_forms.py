"""The builder's forms. They check the shape of the input; the services check the rest. Times
are entered in the edition's time zone (the views run under it, see conferences.scoping)."""

from __future__ import annotations

from typing import Any

from django import forms

from conferences.models import Edition
from program.models import ProgramSession, Room, SessionKind
from program.services import MAX_TALK_MINUTES, SessionInput, session_chair_candidates

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_FORMAT, **kwargs)


class RoomForm(forms.Form):
    name = forms.CharField(label="Room name", max_length=120)
    capacity = forms.IntegerField(label="Capacity", min_value=1, max_value=100_000, required=False)


class SessionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=SessionKind.choices)
    room = forms.ModelChoiceField(
        label="Room", queryset=Room.objects.none(), required=False, empty_label="No room (plenary)"
    )
    starts_at = forms.DateTimeField(
        label="Starts at", widget=LocalDateTimeInput(), input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label="Ends at", widget=LocalDateTimeInput(), input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"]
    )
    chair = forms.TypedChoiceField(label="Session chair", coerce=int, required=False, empty_value=None)
    speaker = forms.CharField(label="Speaker (keynotes)", max_length=300, required=False)
    description = forms.CharField(
        label="Description", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(edition=edition)  # type: ignore[attr-defined]
        people = [(user.pk, user.get_full_name() or user.email) for user in session_chair_candidates(edition)]
        self.fields["chair"].choices = [("", "No chair"), *people]  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, session: ProgramSession) -> dict[str, Any]:
        return {
            "title": session.title,
            "kind": session.kind,
            "room": session.room_id,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "chair": session.chair_id,
            "speaker": session.speaker,
            "description": session.description,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "A session ends after it starts.")
        return data

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        room = data.get("room")
        return SessionInput(
            title=data["title"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            room_id=room.pk if room else None,
            chair_id=data.get("chair"),
            speaker=data.get("speaker", ""),
            description=data.get("description", ""),
        )


class PlaceForm(forms.Form):
    """Place an accepted paper (by number) into a session."""

    number = forms.IntegerField(label="Paper number", min_value=1)
    session = forms.IntegerField(label="Session", min_value=1)
    position = forms.IntegerField(label="Position (1: first; empty: last)", min_value=1, required=False)
    duration_minutes = forms.IntegerField(label="Talk minutes", min_value=1, max_value=MAX_TALK_MINUTES, initial=15)


class TransferForm(forms.Form):
    session = forms.IntegerField(label="Move to session", min_value=1)
    position = forms.IntegerField(label="Position (1: first; empty: last)", min_value=1, required=False)


class DurationForm(forms.Form):
    duration_minutes = forms.IntegerField(label="Talk minutes", min_value=1, max_value=MAX_TALK_MINUTES)


class PublishForm(forms.Form):
    note = forms.CharField(label="Note to readers (optional)", max_length=500, required=False)
