"""Reading the program: the newest published version is what the public sees."""

from __future__ import annotations

from conferences.models import Edition
from program.models import ProgramVersion


def published_version(edition: Edition) -> ProgramVersion | None:
    """The newest published version, or None before the first publication."""
    return ProgramVersion.objects.filter(edition=edition).order_by("-number").first()
