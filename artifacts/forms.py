"""The shape of the artifact and hardware forms; the rules that need other rows or the clock
are the services'. The model's validators (URL, DOI, badges) run on the form's unsaved row as well."""

from __future__ import annotations

from typing import Any

from django import forms

from artifacts.models import Artifact, Badge, EvaluatorHardware, normalized_badges


class ArtifactForm(forms.ModelForm):  # type: ignore[type-arg]
    repository_url = forms.URLField(max_length=500, assume_scheme="https", label="Repository URL")
    badges = forms.MultipleChoiceField(
        choices=Badge.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="ACM badges, v1.1. Reusable includes Functional: asking for Reusable asks for both.",
    )

    class Meta:
        model = Artifact
        fields = (
            "abstract",
            "repository_url",
            "doi",
            "badges",
            "hardware_needed",
            "time_needed",
            "access_instructions",
        )
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "access_instructions": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_badges(self) -> list[str]:
        return normalized_badges(self.cleaned_data["badges"])

    def input_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HardwareForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EvaluatorHardware
        fields = ("gpu_type", "gpu_count", "cpu", "memory_gb", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
