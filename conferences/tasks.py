"""Periodic jobs of the core: releasing the chairs' scheduled releases when their time comes."""

from __future__ import annotations

from celery import shared_task

from conferences.releases import releases_release_due


@shared_task
def release_due() -> int:
    """Release every scheduled release that is due; safe to run twice (each is claimed once)."""
    return len(releases_release_due())
