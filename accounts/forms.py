"""Sign-up asks for a name and an affiliation; the profile form edits the rest; the token
form names a new API token and says when it expires."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from accounts.models import User
from accounts.publication_import import Publication
from accounts.services import PROFILE_FIELDS
from mlsys_conf.limits import PUBLICATIONS_IMPORT_MAX_BYTES, PUBLICATIONS_MAX


def https_url_fields(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """URL fields of the profile assume https:// when the scheme is left out."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    affiliation = forms.CharField(max_length=300, required=False, label="Affiliation")

    def signup(self, request: Any, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.affiliation = self.cleaned_data["affiliation"]
        user.save(update_fields=["first_name", "last_name", "affiliation"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        formfield_callback = https_url_fields
        fields = PROFILE_FIELDS
        widgets = {
            "institutional_domains": forms.Textarea(attrs={"rows": 3}),
            "keywords": forms.TextInput(),
            "publications": forms.Textarea(attrs={"rows": 10}),
        }


class ApiTokenForm(forms.Form):
    EXPIRY_CHOICES = (("30", "in 30 days"), ("90", "in 90 days"), ("365", "in a year"), ("", "never"))

    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “CI upload script”.")
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data["expires_in_days"]
        return None if days is None else timezone.now() + timedelta(days=days)


class PublicationImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="From DBLP (BibTeX or XML export of your publication list) or Semantic Scholar (BibTeX, or "
        "the JSON of the API's author papers with title and abstract); "
        f"at most {PUBLICATIONS_IMPORT_MAX_BYTES // 2**20} MB.",
    )


class PublicationImportConfirmForm(forms.Form):
    """The previewed publications, carried to the confirmation as JSON ``[[title, abstract], ...]``."""

    entries = forms.CharField(widget=forms.HiddenInput, max_length=2 * PUBLICATIONS_MAX)

    def clean_entries(self) -> list[Publication]:
        try:
            rows = json.loads(self.cleaned_data["entries"])
        except ValueError:
            rows = None
        if not isinstance(rows, list) or not all(
            isinstance(row, list) and len(row) == 2 and all(isinstance(part, str) for part in row) for row in rows
        ):
            raise forms.ValidationError("The preview is damaged; upload the file again.")
        return [Publication(title, abstract) for title, abstract in rows]

    @staticmethod
    def carrying(publications: list[Publication]) -> PublicationImportConfirmForm:
        return PublicationImportConfirmForm(
            initial={"entries": json.dumps([[p.title, p.abstract] for p in publications], ensure_ascii=False)}
        )
