"""The review and meta-review forms an edition starts with: MLSys's, ready out of the box.

Chairs change them on the forms page; these are created once, the first time an edition's form is
asked for, and never overwrite a chair's changes.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from conferences.models import Edition
from reviews.models import FieldAudience, FieldType, FormKind, ReviewField, ReviewForm

PC = FieldAudience.PC

MERIT = [
    [1, "Strong reject"],
    [2, "Reject"],
    [3, "Weak reject"],
    [4, "Weak accept"],
    [5, "Accept"],
    [6, "Strong accept"],
]
EXPERTISE = [[1, "No familiarity"], [2, "Some familiarity"], [3, "Knowledgeable"], [4, "Expert"]]
CONFIDENCE = [[1, "Educated guess"], [2, "Fairly confident"], [3, "Confident"], [4, "Certain"]]
BRIDGE = [["no", "No"], ["partly", "Partly"], ["yes", "Yes"]]
REPRODUCIBILITY = [
    [1, "Could not be reproduced"],
    [2, "Hard to reproduce"],
    [3, "Reproducible with effort"],
    [4, "Easily reproducible"],
]
RECOMMENDATION = [["reject", "Reject"], ["accept_poster", "Accept (poster)"], ["accept_oral", "Accept (oral)"]]


def _text(key: str, label: str, *, max_words: int = 1500, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "type": FieldType.TEXT, "max_words": max_words, "required": required, **extra}


def _scale(key: str, label: str, levels: list[list[Any]], **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "type": FieldType.SCORE, "levels": levels, **extra}


DEFAULT_FIELDS: dict[FormKind, list[dict[str, Any]]] = {
    FormKind.REVIEW: [
        _text("summary", "Summary of the paper", max_words=400, min_words=20),
        _text("strengths", "Strengths", max_words=800),
        _text("weaknesses", "Weaknesses", max_words=800),
        _text("comments", "Detailed comments for the authors", max_words=3000, required=False),
        _text("questions", "Questions for the author response", max_words=500, required=False),
        _scale("merit", "Overall merit", MERIT),
        _scale("expertise", "Reviewer expertise", EXPERTISE, audience=PC),
        _scale("confidence", "Reviewer confidence", CONFIDENCE),
        {"key": "bridge", "label": "Does the paper bridge Systems and ML?", "type": FieldType.CHOICE, "levels": BRIDGE},
        _scale("reproducibility", "Reproducibility", REPRODUCIBILITY),
        _text("pc_comments", "Comments for the PC only", max_words=1500, required=False, audience=PC),
    ],
    FormKind.META: [
        _text("summary", "Meta-review", max_words=1500, min_words=20),
        {
            "key": "recommendation",
            "label": "Recommendation",
            "type": FieldType.CHOICE,
            "levels": RECOMMENDATION,
            "audience": PC,
        },
        _scale("confidence", "Confidence", CONFIDENCE, audience=PC),
        _text("pc_comments", "Comments for the chairs only", max_words=1000, required=False, audience=PC),
    ],
}


def ensure_default_forms(edition: Edition) -> None:
    """Create the edition's forms with the default fields, unless they exist (race-safe)."""
    existing = set(ReviewForm.objects.filter(edition=edition).values_list("kind", flat=True))
    for kind, fields in DEFAULT_FIELDS.items():
        if kind in existing:
            continue
        try:
            with transaction.atomic():
                form = ReviewForm.objects.create(edition=edition, kind=kind)
                ReviewField.objects.bulk_create(
                    ReviewField(form=form, position=position, **spec) for position, spec in enumerate(fields, 1)
                )
        except IntegrityError:  # created meanwhile by another request
            continue
