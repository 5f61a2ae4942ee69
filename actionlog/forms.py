from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mlsys_conf.limits import DATETIME_INPUT_MAX, FILTER_MAX_CHARS, search_form_field


class BoundedDateField(forms.DateField):
    """A date, refused unread when longer than any way of writing one."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > DATETIME_INPUT_MAX:
            raise ValidationError("Enter a date like 2027-01-31.", code="invalid")
        return super().to_python(value)


class ActionFilterForm(forms.Form):
    q = search_form_field(
        help_text="Words in the action, its note, a person's name or e-mail, a paper's number or title.",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, paper, action or note"}),
    )
    paper = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label="Paper #")
    person = forms.CharField(required=False, max_length=FILTER_MAX_CHARS, label="Person (name or e-mail)")
    action = forms.CharField(required=False, max_length=60, label="Action")
    since = BoundedDateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = BoundedDateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the date range is before its start.")
        return cleaned
