"""Registering an artifact, its appendix and an AE member's hardware (artifacts/services.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from actionlog.models import Action
from artifacts import services
from artifacts.models import Artifact, Badge, EvaluatorHardware, normalized_badges
from artifacts.selectors import current_appendix
from conferences.models import Deadline
from mlsys_conf.policy import PolicyDenied
from submissions.models import FileKind, Submission
from tests.artifacts.conftest import artifact_input
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db


def test_registering_stores_the_artifact_and_logs_it(accepted: Submission, author: Any) -> None:
    artifact = services.artifact_save(submission=accepted, data=artifact_input(), by=author)
    assert artifact.badges == [Badge.AVAILABLE, Badge.FUNCTIONAL, Badge.REUSABLE]  # Reusable brings Functional
    assert artifact.registered_by == author
    entry = Action.objects.get(action="artifact.registered")
    assert entry.paper_id == accepted.pk
    assert entry.changes["doi"] == [None, "10.5281/zenodo.1234567"]


def test_editing_keeps_one_artifact_and_logs_what_changed(artifact: Artifact, author: Any) -> None:
    services.artifact_save(submission=artifact.submission, data=artifact_input(time_needed="3 h"), by=author)
    assert Artifact.objects.get().time_needed == "3 h"
    assert Action.objects.get(action="artifact.updated").changes == {"time_needed": ["12 h", "3 h"]}


def test_registration_is_refused_with_the_reason(accepted: Submission, outsider: Any, registration: Deadline) -> None:
    with pytest.raises(PolicyDenied, match="not an author"):
        services.artifact_save(submission=accepted, data=artifact_input(), by=outsider)
    assert not Artifact.objects.exists()


@pytest.mark.parametrize(
    "doi", ["https://doi.org/10.5281/zenodo.1", "10.12/x", "zenodo.1234", "10.5281/", "10.5281/has space"]
)
def test_a_doi_must_be_a_bare_doi(accepted: Submission, author: Any, doi: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.artifact_save(submission=accepted, data=artifact_input(doi=doi), by=author)
    assert "doi" in refused.value.message_dict


def test_the_doi_is_optional(accepted: Submission, author: Any) -> None:
    assert services.artifact_save(submission=accepted, data=artifact_input(doi=""), by=author).doi == ""


@pytest.mark.parametrize("url", ["ftp://example.org/a.tar", "javascript:alert(1)", "github.com/x/y", ""])
def test_the_repository_is_an_http_address(accepted: Submission, author: Any, url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.artifact_save(submission=accepted, data=artifact_input(repository_url=url), by=author)
    assert "repository_url" in refused.value.message_dict


def test_badges_are_acm_badges_in_order() -> None:
    assert normalized_badges(["reproduced", "available", "available"]) == ["available", "reproduced"]
    assert normalized_badges(["reusable"]) == ["functional", "reusable"]
    with pytest.raises(ValidationError, match="Not an ACM badge: gold"):
        normalized_badges(["gold"])
    with pytest.raises(ValidationError, match="at least one"):
        normalized_badges([])


def test_the_stored_badges_are_validated_too(artifact: Artifact) -> None:
    artifact.badges = ["reusable"]  # without Functional: never stored so
    with pytest.raises(ValidationError):
        artifact.full_clean()


def test_an_appendix_is_checked_and_a_rejected_one_keeps_the_previous(artifact: Artifact, author: Any) -> None:
    first = services.appendix_upload(
        submission=artifact.submission, content=make_pdf(2), filename="appendix.pdf", by=author
    )
    assert first.is_accepted
    assert first.kind == FileKind.ARTIFACT_APPENDIX
    assert first.page_count == 2
    too_long = services.appendix_upload(
        submission=artifact.submission,
        content=make_pdf(services.APPENDIX_MAX_PAGES + 1),
        filename="long.pdf",
        by=author,
    )
    not_a_pdf = services.appendix_upload(
        submission=artifact.submission, content=b"<html>no</html>", filename="a.pdf", by=author
    )
    assert not too_long.is_accepted
    assert not not_a_pdf.is_accepted
    assert current_appendix(artifact.submission) == first
    assert Action.objects.filter(action="artifact_appendix.failed_checks").count() == 2


def test_an_appendix_needs_the_artifact_and_an_open_registration(
    accepted: Submission, author: Any, registration: Deadline
) -> None:
    with pytest.raises(ValidationError, match="Register the artifact first"):
        services.appendix_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    services.artifact_save(submission=accepted, data=artifact_input(), by=author)
    late = registration.closes_at + timedelta(seconds=1)
    with pytest.raises(PolicyDenied, match="closed"):
        services.appendix_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author, now=late)


def test_members_save_their_own_hardware(edition: Any, ae_member: Any, outsider: Any) -> None:
    data = services.HardwareInput(gpu_type="A100 80 GB", gpu_count=4, cpu="EPYC 7763", memory_gb=512)
    services.hardware_save(edition=edition, data=data, by=ae_member)
    services.hardware_save(edition=edition, data=services.HardwareInput(gpu_type="H100", gpu_count=8), by=ae_member)
    saved = EvaluatorHardware.objects.get(user=ae_member)
    assert (saved.gpu_type, saved.gpu_count, saved.memory_gb) == ("H100", 8, 0)
    with pytest.raises(PolicyDenied):
        services.hardware_save(edition=edition, data=data, by=outsider)
    assert EvaluatorHardware.objects.count() == 1
