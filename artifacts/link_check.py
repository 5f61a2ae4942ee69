"""The optional link check of artifacts: does the repository URL answer, does the archival DOI
resolve? Run once after the authors register or change the links (``tasks.check_artifact_links``)
and about once a day for every artifact (``tasks.check_due_artifact_links``); it records what it
found on the :class:`~artifacts.models.Artifact` and never raises: no network is "unreachable".
The requests go through :mod:`artifacts.safe_fetch` (the SSRF guards).

Repository: a HEAD request, then a GET (body read up to 64 KiB) if HEAD is answered with an
error (many servers refuse HEAD). DOI: the doi.org handle API (``responseCode`` 1: it resolves).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from artifacts import safe_fetch
from artifacts.models import Artifact, LinkStatus
from artifacts.safe_fetch import LinkProblem, Rules

log = logging.getLogger(__name__)

DOI_HANDLE_API = "https://doi.org/api/handles/"
RECHECK_AFTER = timedelta(days=1)  # the periodic job checks each artifact about once a day
BATCH = 25  # artifacts per run of the periodic job (each takes at most twice TOTAL_TIMEOUT)
DETAIL_LENGTH = 300  # Artifact.repository_detail / doi_detail


@dataclass(frozen=True)
class Outcome:
    """What one check found: a :class:`LinkStatus` value ("" when there was nothing to check)."""

    status: str
    detail: str = ""


def enabled() -> bool:
    """``ARTIFACT_LINK_CHECK`` (default on): off, no artifact link is ever fetched."""
    return bool(getattr(settings, "ARTIFACT_LINK_CHECK", True))


# --- The two checks --------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= DETAIL_LENGTH else text[: DETAIL_LENGTH - 1] + "…"


def _guarded(check: Callable[[], Outcome]) -> Outcome:
    """The outcome of ``check``; a problem is an outcome too, and nothing escapes."""
    try:
        outcome = check()
    except LinkProblem as problem:
        outcome = Outcome(problem.status, problem.reason)
    except Exception as error:  # the job must never fail on a link
        log.exception("Link check failed")
        outcome = Outcome(LinkStatus.UNREACHABLE, f"check failed ({type(error).__name__})")
    return Outcome(outcome.status, _short(outcome.detail))


def check_repository(url: str, *, rules: Rules | None = None) -> Outcome:
    """Does ``url`` answer? HEAD, then GET if HEAD got an error."""
    rules = rules or Rules.from_settings()

    def check() -> Outcome:
        deadline = time.monotonic() + safe_fetch.TOTAL_TIMEOUT
        answer = safe_fetch.fetch(url, method="HEAD", rules=rules, deadline=deadline)
        if answer.status >= 400:
            answer = safe_fetch.fetch(url, method="GET", rules=rules, deadline=deadline)
        if 200 <= answer.status < 300:
            return Outcome(LinkStatus.OK, f"answered {answer.status}")
        return Outcome(LinkStatus.BROKEN, f"{answer.status} {answer.reason}".strip())

    return _guarded(check)


DoiResolver = Callable[[str], Outcome]


def resolve_with_handle_api(doi: str, *, api: str = "", rules: Rules | None = None) -> Outcome:
    """Ask doi.org's handle API (``{"responseCode": 1, "values": [...]}`` when the DOI exists)."""
    rules = rules or Rules.from_settings()
    api = api or DOI_HANDLE_API
    deadline = time.monotonic() + safe_fetch.TOTAL_TIMEOUT
    answer = safe_fetch.fetch(api + quote(doi, safe="/"), method="GET", rules=rules, deadline=deadline)
    try:
        data: Any = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = {}
    code = data.get("responseCode") if isinstance(data, dict) else None
    if answer.status == 200 and code == 1:
        urls = [
            value.get("data", {}).get("value")
            for value in data.get("values") or []
            if isinstance(value, dict) and value.get("type") == "URL" and isinstance(value.get("data"), dict)
        ]
        target = next((u for u in urls if isinstance(u, str)), "")
        return Outcome(LinkStatus.OK, f"resolves to {target}" if target else "resolves")
    if answer.status == 404 or code == 100:
        return Outcome(LinkStatus.BROKEN, "doi.org does not know this DOI")
    return Outcome(LinkStatus.UNREACHABLE, f"doi.org answered {answer.status} {answer.reason}".strip())


def check_doi(doi: str, *, resolve: DoiResolver | None = None) -> Outcome:
    """Does the DOI resolve? No DOI: nothing to check (empty status)."""
    if not doi:
        return Outcome("")
    return _guarded(lambda: (resolve or resolve_with_handle_api)(doi))


# --- Recording -------------------------------------------------------------------------------


def artifact_check_links(
    artifact: Artifact,
    *,
    now: datetime | None = None,
    rules: Rules | None = None,
    resolve_doi: DoiResolver | None = None,
) -> bool:
    """Check the artifact's links and record what was found. Does nothing (False) if the authors
    changed the links meanwhile: their change queued a check of its own."""
    repository = check_repository(artifact.repository_url, rules=rules)
    doi = check_doi(artifact.doi, resolve=resolve_doi)
    same_links = Artifact.objects.filter(pk=artifact.pk, repository_url=artifact.repository_url, doi=artifact.doi)
    return bool(
        same_links.update(  # update(): a check is no change of the artifact (updated_at stays)
            link_checked_at=now or timezone.now(),
            repository_status=repository.status,
            repository_detail=repository.detail,
            doi_status=doi.status,
            doi_detail=doi.detail,
        )
    )


def _claim(artifact: Artifact, now: datetime) -> bool:
    """Take the artifact's check for this run, with one UPDATE: two runs never check it twice."""
    last = (
        Q(link_checked_at__isnull=True)
        if artifact.link_checked_at is None
        else Q(link_checked_at=artifact.link_checked_at)
    )
    return bool(Artifact.objects.filter(last, pk=artifact.pk).update(link_checked_at=now))


def check_due_links(*, now: datetime | None = None, limit: int = BATCH, **options: Any) -> int:
    """Check the links of the artifacts not checked for :data:`RECHECK_AFTER` (never checked
    first), at most ``limit`` of them; the number checked."""
    if not enabled():
        return 0
    now = now or timezone.now()
    due = Artifact.objects.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lte=now - RECHECK_AFTER))
    checked = 0
    for artifact in due.order_by(F("link_checked_at").asc(nulls_first=True), "pk")[:limit]:
        if _claim(artifact, now):
            artifact_check_links(artifact, now=now, **options)
            checked += 1
    return checked
