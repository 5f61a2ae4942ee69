"""The demo's extra editions (the review phase, the artifact evaluation) are made alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from conferences.models import Edition


def demo_edition(report: Any, chair: User, *, slug: str, name: str, tagline: str, starts_in_days: int) -> Edition:
    """The edition ``slug`` in San Jose, made once (and so reported once)."""
    starts_on = (timezone.now() + timedelta(days=starts_in_days)).date()
    edition, created = Edition.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "tagline": tagline,
            "venue": "San Jose, California",
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=3),
            "time_zone": "America/Los_Angeles",
            "contact_email": chair.email,
        },
    )
    if created:
        report.created.append(f"edition {slug}")
    return edition
