from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import Truncator

from assignments.models import Assignment
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from submissions.models import Submission


class RunForm(forms.Form):
    fair = forms.BooleanField(required=False, label="Fair: raise the worst paper's score first, then the total")
    bid_weight = forms.FloatField(
        min_value=0,
        max_value=10,
        initial=0.25,
        help_text="How much a bid counts: score = affinity + weight x level / 2 (levels -2..2).",
    )


class PCMemberField(forms.ModelChoiceField):
    """A PC member's role, labelled with their name and area."""

    def label_from_instance(self, obj: Role) -> str:
        return member_label(obj)


def member_label(role: Role) -> str:
    """How the chairs pick a PC member: "Ada Lovelace (ML)"."""
    return f"{role.user.display_name} ({role.get_area_display()})" if role.area else role.user.display_name


def pc_members(edition: Edition) -> QuerySet[Role]:
    return (
        Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER)
        .select_related("user")
        .order_by("area", "user__last_name", "user__first_name", "user__email")
    )


def paper_label(submission: Submission) -> str:
    """How the chairs pick a paper: "#17 — Title"."""
    return f"#{submission.number} — {Truncator(submission.title).chars(PAPER_TITLE_CHARS)}"


PAPER_TITLE_CHARS = 80


class AddForm(forms.Form):
    """Assign by hand: a paper by number and title (only those the chair may see: not the papers
    they are conflicted with) and a PC member by name and area. The values are paper numbers
    and user ids, as in the API."""

    number = forms.TypedChoiceField(coerce=int, label="Paper")
    user = PCMemberField(queryset=Role.objects.none(), label="PC member", to_field_name="user_id")

    def __init__(self, *args: Any, edition: Edition, hidden: Collection[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        papers = Submission.objects.filter(edition=edition).active().exclude(pk__in=hidden).order_by("number")
        number = self.fields["number"]
        assert isinstance(number, forms.TypedChoiceField)
        number.choices = [("", "Choose a paper")] + [(p.number, paper_label(p)) for p in papers]
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pc_members(edition)
        field.empty_label = "Choose a PC member"


class SwapForm(forms.Form):
    """Change a reviewer by hand: an assignment, picked under its paper's number and title by
    its reviewer's name, goes either to another PC member (``replacement``) or trades reviewers
    with a second assignment (``second``). The values are the assignments' and users' ids; the
    view looks the assignments up among those the chair may manage."""

    first = forms.ChoiceField(label="Assignment")
    replacement = PCMemberField(
        queryset=Role.objects.none(), label="Replacement", to_field_name="user_id", required=False
    )
    second = forms.ChoiceField(label="Or trade reviewers with", required=False)

    def __init__(self, *args: Any, assignments: QuerySet[Assignment], edition: Edition, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_swap_%s")
        super().__init__(*args, **kwargs)
        roles = {r.user_id: r for r in pc_members(edition)}
        grouped: dict[str, list[tuple[int, str]]] = {}
        for a in assignments.select_related("submission", "user").order_by("submission__number", "user__last_name"):
            role = roles.get(a.user_id)
            name = member_label(role) if role else a.user.display_name
            grouped.setdefault(paper_label(a.submission), []).append((a.pk, name))
        options = list(grouped.items())
        for key, empty in (("first", "Choose an assignment"), ("second", "No trade: give it to the replacement")):
            choice = self.fields[key]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = [("", empty), *options]
        field = self.fields["replacement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = pc_members(edition)
        field.empty_label = "Choose a PC member"
