from __future__ import annotations

from django import forms


class ActionFilterForm(forms.Form):
    paper = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label="Paper #")
    person = forms.CharField(required=False, max_length=100, label="Person (name or e-mail)")
    action = forms.CharField(required=False, max_length=60, label="Action")
