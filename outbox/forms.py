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


ESSENTIAL_CHOICES = [
    ("yes", "Essential (decisions, deadlines): sent to everyone"),
    ("no", "Not essential (announcements): skipped for whoever opted out, with an unsubscribe link"),
]


def recipient_set_choices() -> list[tuple[str, str]]:
    from outbox.recipients import recipient_sets

    return [(s.key, s.label) for s in recipient_sets()]


class ComposeForm(forms.Form):
    recipient_set = forms.ChoiceField(label="Recipients", choices=recipient_set_choices)
    subject = forms.CharField(max_length=1000, help_text="Placeholders work here too; rendered on one line.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), max_length=20000)
    essential = forms.TypedChoiceField(
        label="Is this mail essential?",
        choices=ESSENTIAL_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        max_length=200, required=False, label="Batch name", help_text="Empty: the recipients and the subject."
    )


class MailPreferenceForm(forms.Form):
    no_non_essential = forms.BooleanField(
        required=False,
        label="No non-essential mail",
        help_text="No announcements. Decisions, deadlines, reviews and receipts still reach you.",
    )
