"""The shape of the camera-ready forms: the final metadata with its ordered author rows, the
licence, and the chairs' settings. The rules that need other rows or the clock are the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from camera_ready.models import CameraReadySettings, FinalAuthor, FinalVersion, Licence, validate_orcid
from camera_ready.services import MAX_AUTHORS, AuthorLine, MetadataInput


class MetadataForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FinalVersion
        fields = ("title", "abstract", "keywords")
        widgets = {"abstract": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"keywords": "Separated by commas."}


class FinalAuthorForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="E-mail", help_text="For the organisers only; never published.")
    affiliation = forms.CharField(max_length=300, required=False)
    orcid = forms.CharField(label="ORCID iD", max_length=19, required=False, validators=[validate_orcid])
    is_presenter = forms.BooleanField(required=False, label="Presents")


class BaseFinalAuthorFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.live_forms()
        emails = [f.cleaned_data["email"].lower() for f in rows]
        if len(emails) != len(set(emails)):
            raise forms.ValidationError("Each author is listed once; an address appears twice.")
        presenters = sum(1 for f in rows if f.cleaned_data.get("is_presenter"))
        if presenters != 1:
            raise forms.ValidationError(f"Tick exactly one presenter (you ticked {presenters}).")

    def live_forms(self) -> list[FinalAuthorForm]:
        """Filled-in rows in their order (the ORDER field first, then the position on the page)."""
        rows = [f for f in self.forms if f.cleaned_data.get("email") and not f.cleaned_data.get("DELETE")]
        return sorted(rows, key=lambda f: (f.cleaned_data.get("ORDER") or 10_000, self.forms.index(f)))

    def to_lines(self) -> list[AuthorLine]:
        return [
            AuthorLine(
                name=f.cleaned_data["name"],
                email=f.cleaned_data["email"],
                affiliation=f.cleaned_data.get("affiliation", ""),
                orcid=f.cleaned_data.get("orcid", ""),
                is_presenter=bool(f.cleaned_data.get("is_presenter")),
            )
            for f in self.live_forms()
        ]


FinalAuthorFormSet = cast(
    "type[BaseFinalAuthorFormSet]",
    forms.formset_factory(
        FinalAuthorForm,
        formset=BaseFinalAuthorFormSet,
        extra=1,
        can_order=True,
        can_delete=True,
        min_num=1,
        validate_min=True,
        max_num=MAX_AUTHORS,
        validate_max=True,
    ),
)


def author_initial(authors: list[FinalAuthor]) -> list[dict[str, Any]]:
    return [
        {
            "name": a.name,
            "email": a.email,
            "affiliation": a.affiliation,
            "orcid": a.orcid,
            "is_presenter": a.is_presenter,
        }
        for a in authors
    ]


def metadata_input(form: MetadataForm, authors: BaseFinalAuthorFormSet) -> MetadataInput:
    data = form.cleaned_data
    return MetadataInput(data["title"], data["abstract"], data.get("keywords", ""), authors.to_lines())


class LicenceForm(forms.Form):
    licence = forms.ChoiceField(choices=Licence.choices, widget=forms.RadioSelect)
    agree = forms.BooleanField(
        label="I accept this licence on behalf of all the authors of the paper, who agreed to it."
    )


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CameraReadySettings
        fields = ("page_limit", "instructions")
        widgets = {"instructions": forms.Textarea(attrs={"rows": 6})}
