"""Forms of the author's flow. They check the shape of the input; services check the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from conferences.models import INPUT_PHASES, Phase, Topic
from mlsys_conf.limits import (
    ABSTRACT_MAX,
    AFFILIATION_MAX,
    AUTHORS_MAX,
    PERSON_NAME_MAX,
    BoundedDateTimeField,
    search_form_field,
)
from submissions.models import IDEMPOTENCY_KEY_MAX, ConflictReason, Submission, SubmissionState
from submissions.services import AuthorInput, SubmissionInput

DECLARABLE_REASONS = [
    (r.value, r.label)
    for r in ConflictReason
    if r not in {ConflictReason.AUTHOR, ConflictReason.DOMAIN, ConflictReason.AFFILIATION}
]


class SubmissionForm(forms.ModelForm):
    # Declared so the radio list has no empty "---------" choice (and none preselected).
    topic = forms.ChoiceField(
        choices=Topic.choices,
        widget=forms.RadioSelect,
        help_text="Which half of the PC the paper speaks to. Every paper is reviewed by both halves.",
    )

    class Meta:
        model = Submission
        fields = ("title", "abstract", "topic", "keywords")
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 10, "maxlength": ABSTRACT_MAX}),
            "keywords": forms.TextInput(attrs={"placeholder": "e.g. distributed training, compilers, LLM serving"}),
        }
        help_texts = {
            "keywords": "Separated by commas.",
        }

    def to_input(self) -> SubmissionInput:
        data = self.cleaned_data
        return SubmissionInput(data["title"], data["abstract"], data["topic"], data.get("keywords", ""))


class AuthorForm(forms.Form):
    name = forms.CharField(max_length=PERSON_NAME_MAX)
    email = forms.EmailField(label="E-mail")
    affiliation = forms.CharField(max_length=AFFILIATION_MAX, required=False)
    is_contact = forms.BooleanField(required=False, label="Contact")


class BaseAuthorFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        emails = [f.cleaned_data["email"].lower() for f in self.live_forms()]
        if len(emails) != len(set(emails)):
            raise forms.ValidationError("Each author is listed once; an address appears twice.")

    def live_forms(self) -> list[AuthorForm]:
        """Filled-in rows in their order (ORDER field first, then position on the page)."""
        rows = [f for f in self.forms if f.cleaned_data.get("email") and not f.cleaned_data.get("DELETE")]
        return sorted(rows, key=lambda f: (f.cleaned_data.get("ORDER") or 10_000, self.forms.index(f)))

    def to_inputs(self) -> list[AuthorInput]:
        return [
            AuthorInput(
                name=f.cleaned_data["name"],
                email=f.cleaned_data["email"],
                affiliation=f.cleaned_data.get("affiliation", ""),
                is_contact=f.cleaned_data.get("is_contact", False),
            )
            for f in self.live_forms()
        ]


# formset_factory() returns a subclass of ``formset``; the stubs only say "a BaseFormSet".
AuthorFormSet = cast(
    "type[BaseAuthorFormSet]",
    forms.formset_factory(
        AuthorForm,
        formset=BaseAuthorFormSet,
        extra=3,
        can_order=True,
        can_delete=True,
        min_num=1,
        validate_min=True,
        max_num=AUTHORS_MAX,
        validate_max=True,
    ),
)


def author_initial(submission: Submission | None, user: Any) -> list[dict[str, Any]]:
    if submission is None:
        return [{"name": user.display_name, "email": user.email, "affiliation": user.affiliation, "is_contact": True}]
    return [
        {"name": a.name, "email": a.email, "affiliation": a.affiliation, "is_contact": a.is_contact}
        for a in submission.authors.all()
    ]


class UploadForm(forms.Form):
    file = forms.FileField(label="File", allow_empty_file=True)
    # Made when the page is rendered: a retried POST of the same form gets the same version.
    idempotency_key = forms.CharField(required=False, max_length=IDEMPOTENCY_KEY_MAX, widget=forms.HiddenInput)


EXTENDABLE_PHASES = [(p.value, p.label) for p in Phase if p in INPUT_PHASES]


class ExtensionForm(forms.Form):
    """Add, change or (no time) remove one paper's extension of one input deadline."""

    phase = forms.ChoiceField(choices=EXTENDABLE_PHASES, initial=Phase.PAPER_SUBMISSION.value)
    until = BoundedDateTimeField(
        required=False,
        label="Extended until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"),
        help_text="In the edition's time zone, to the second. Empty removes the extension.",
    )
    reason = forms.CharField(required=False, max_length=300)


class SubmissionFilterForm(forms.Form):
    STATUS = [("", "Any status"), *SubmissionState.choices]
    q = search_form_field()
    topic = forms.ChoiceField(choices=[("", "Any topic"), *Topic.choices], required=False)
    status = forms.ChoiceField(choices=STATUS, required=False)
    warnings = forms.BooleanField(required=False, label="With check warnings")
