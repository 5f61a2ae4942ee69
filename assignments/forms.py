from __future__ import annotations

from typing import Any

from django import forms

from conferences.models import Edition, Role
from conferences.roles import RoleKind


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
        return f"{obj.user.display_name} ({obj.get_area_display()})"


class AddForm(forms.Form):
    number = forms.IntegerField(min_value=1, label="Paper #")
    user = PCMemberField(queryset=Role.objects.none(), label="PC member", to_field_name="user_id")

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER)
            .select_related("user")
            .order_by("area", "user__last_name")
        )
