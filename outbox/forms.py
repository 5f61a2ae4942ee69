"""The shapes of the chairs' outbox forms; the rules are the services'."""

from __future__ import annotations

from django import forms

from outbox.models import MailStatus


class MailFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *MailStatus.choices],
        help_text="Only mail with this delivery status (held, queued, sent, …).",
    )
    to = forms.CharField(required=False, max_length=254, label="To (part of the address)")
    batch = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label="Batch #")


class MailEditForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}))


class MailTemplateForm(forms.Form):
    subject = forms.CharField(max_length=1000, help_text="A Django template, rendered on one line.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 20}), max_length=20000)
