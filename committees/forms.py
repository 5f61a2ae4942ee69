"""Shapes of the chairs' committee forms and the invitee's answer. Rules that need other rows
(who already holds a role, what an invitation's status allows) are the services' business."""

from __future__ import annotations

from typing import Any

from django import forms

from conferences.models import AREA_REQUIRED, MAX_LOAD, ROLES_WITH_AREA, Area
from conferences.roles import RoleKind
from mlsys_conf.limits import BULK_INVITATIONS_MAX, BULK_INVITATIONS_TEXT_MAX, DECLINE_REASON_MAX, PERSON_NAME_MAX

AREA_CHOICES = [("", "—"), *Area.choices]


def _load_field(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_LOAD, help_text=help_text)


class _NeedsArea(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in ROLES_WITH_AREA and not data.get("area"):
            self.add_error("area", AREA_REQUIRED)
        return data


class InvitationForm(_NeedsArea):
    email = forms.EmailField(label="E-mail")
    name = forms.CharField(label="Name", max_length=PERSON_NAME_MAX, required=False)
    kind = forms.ChoiceField(choices=RoleKind.choices, label="Role", initial=RoleKind.PC_MEMBER)
    area = forms.ChoiceField(choices=AREA_CHOICES, required=False, label="PC half")
    max_load = _load_field("Maximum load", "Papers at most; empty: the edition's default.")


class BulkInvitationForm(forms.Form):
    """A pasted list, one person a line; the lines themselves are the service's to check."""

    people = forms.CharField(
        label="People to invite",
        max_length=BULK_INVITATIONS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Ada Lovelace, ada@example.org, ML"}),
        help_text=f"One person a line: name, e-mail, area (Systems or ML; sys and ml will do). "
        f"At most {BULK_INVITATIONS_MAX} people.",
    )
    kind = forms.ChoiceField(choices=RoleKind.choices, label="Role, for everyone", initial=RoleKind.PC_MEMBER)


class RoleGrantForm(_NeedsArea):
    email = forms.EmailField(label="E-mail of the account")
    kind = forms.ChoiceField(choices=RoleKind.choices, label="Role")
    area = forms.ChoiceField(choices=AREA_CHOICES, required=False, label="PC half")


class RoleLoadForm(forms.Form):
    max_load = _load_field("Maximum load")
    min_load = _load_field("Minimum load")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, only the chairs see it)",
        required=False,
        max_length=DECLINE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
