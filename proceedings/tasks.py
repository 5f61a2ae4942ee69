"""The proceedings' Celery job: thin, it calls :func:`proceedings.services.build_run`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from proceedings import services  # services queue this task: each uses the other only in calls

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def run_build(self: Any, build_id: int) -> str:
    """Make one build; a temporary error is tried again later (30 s, 60 s, 120 s), and after
    the last try the build is marked failed with a sentence saying so."""
    try:
        build = services.build_run(build_id=build_id)
    except services.TRANSIENT_ERRORS as error:
        if self.request.retries >= MAX_RETRIES:
            services.build_fail(
                build_id=build_id,
                error=f"The build failed {MAX_RETRIES + 1} times on a temporary error ({type(error).__name__}). "
                "Please try again later.",
            )
            return "failed"
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
    return build.status if build else "nothing to do"
