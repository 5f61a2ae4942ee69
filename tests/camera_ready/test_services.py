"""The camera-ready actions (camera_ready/services.py): the final version started from the
submission, its metadata, confirmation and licence, the final PDF and its checks, and what is
still missing (camera_ready/status.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionlog.models import Action
from camera_ready import services
from camera_ready.models import CameraReadySettings, FinalAuthor, FinalVersion, Licence, orcid_checksum_ok
from camera_ready.selectors import current_final_pdf, final_metadata_of
from camera_ready.status import Missing, completeness, paper_statuses
from conferences.models import Deadline
from mlsys_conf.policy import PolicyDenied
from submissions.models import FileKind, Submission, SubmissionFile
from tests.camera_ready.conftest import lines, metadata
from tests.factories.pdfs import make_pdf
from tests.submissions import corpus

pytestmark = pytest.mark.django_db

VALID_ORCID = "0000-0002-1825-0097"


def names(final: FinalVersion) -> list[str]:
    return [a.name for a in final.authors.order_by("position")]


def test_the_final_version_starts_from_the_submission(accepted: Submission, author: Any) -> None:
    final = services.final_version_start(submission=accepted, by=author)
    assert (final.title, final.abstract, final.keywords) == (accepted.title, accepted.abstract, accepted.keywords)
    rows = list(final.authors.order_by("position"))
    assert [(a.name, a.email) for a in rows] == [(a.name, a.email) for a in accepted.authors.order_by("position")]
    assert [a.is_presenter for a in rows] == [True, False]  # the first author presents
    assert final.confirmed_at is None
    assert services.final_version_start(submission=accepted, by=author) == final  # once
    assert Action.objects.filter(action="camera_ready.started").count() == 1


def test_saving_reorders_adds_and_removes_authors(accepted: Submission, author: Any) -> None:
    services.final_version_start(submission=accepted, by=author)
    final = services.final_metadata_save(
        submission=accepted, data=metadata(lines("Cy Third", "Ada Author", presenter=1)), by=author
    )
    assert names(final) == ["Cy Third", "Ada Author"]
    assert [a.position for a in final.authors.order_by("position")] == [1, 2]
    assert final.authors.get(is_presenter=True).name == "Ada Author"
    assert final.title == "Fast Sparse Attention Kernels, Final"
    entry = Action.objects.get(action="camera_ready.metadata_changed")
    assert entry.changes["authors"][1] == ["Cy Third", "Ada Author"]


def test_a_change_clears_the_confirmation_and_no_change_keeps_it(accepted: Submission, author: Any) -> None:
    services.final_metadata_save(submission=accepted, data=metadata(), by=author)
    assert services.final_metadata_confirm(submission=accepted, by=author).confirmed_at is not None
    same = services.final_metadata_save(submission=accepted, data=metadata(), by=author)
    assert same.confirmed_at is not None
    changed = services.final_metadata_save(submission=accepted, data=metadata(title="Another title"), by=author)
    assert changed.confirmed_at is None
    moved = metadata(lines("Co Author", "Ada Author"))
    services.final_metadata_confirm(submission=accepted, by=author)
    assert services.final_metadata_save(submission=accepted, data=moved, by=author).confirmed_at is None


@pytest.mark.parametrize("presenter", [None, "two"])
def test_exactly_one_presenter(accepted: Submission, author: Any, presenter: str | None) -> None:
    authors = lines("Ada Author", "Co Author", presenter=-1)
    if presenter == "two":
        authors = [services.AuthorLine(a.name, a.email, is_presenter=True) for a in authors]
    with pytest.raises(ValidationError, match="exactly one presenter"):
        services.final_metadata_save(submission=accepted, data=metadata(authors), by=author)
    assert not FinalAuthor.objects.filter(name="Ada Author").exclude(final_version__submission=accepted).exists()


def test_orcid_checksum(accepted: Submission, author: Any) -> None:
    assert orcid_checksum_ok(VALID_ORCID)
    assert orcid_checksum_ok("0000-0002-9079-593X")
    assert not orcid_checksum_ok("0000-0002-1825-0098")
    with pytest.raises(ValidationError, match=r"Author 1: .*ORCID"):
        services.final_metadata_save(
            submission=accepted, data=metadata(lines("Ada Author", orcid="0000-0002-1825-0098")), by=author
        )
    final = services.final_metadata_save(
        submission=accepted, data=metadata(lines("Ada Author", orcid=VALID_ORCID.lower())), by=author
    )
    assert final.authors.get().orcid == VALID_ORCID


def test_no_authors_or_a_repeated_address_is_refused(accepted: Submission, author: Any) -> None:
    with pytest.raises(ValidationError, match="at least one author"):
        services.final_metadata_save(submission=accepted, data=metadata([]), by=author)
    twice = [services.AuthorLine("A", "a@example.org", is_presenter=True), services.AuthorLine("B", "A@example.org")]
    with pytest.raises(ValidationError, match="once"):
        services.final_metadata_save(submission=accepted, data=metadata(twice), by=author)


def test_the_licence_records_who_and_when(accepted: Submission, author: Any) -> None:
    final = services.licence_accept(submission=accepted, licence=Licence.CC_BY, by=author)
    assert (final.licence, final.licence_accepted_by) == (Licence.CC_BY, author)
    assert final.licence_accepted_at is not None
    with pytest.raises(ValidationError):
        services.licence_accept(submission=accepted, licence="public_domain", by=author)


def test_chairs_and_others_never_change_the_text(accepted: Submission, chair: Any, outsider: Any) -> None:
    for user in (chair, outsider):
        with pytest.raises(PolicyDenied):
            services.final_metadata_save(submission=accepted, data=metadata(), by=user)
        with pytest.raises(PolicyDenied):
            services.licence_accept(submission=accepted, licence=Licence.CC_BY, by=user)
        with pytest.raises(PolicyDenied):
            services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="f.pdf", by=user)
    assert not FinalVersion.objects.exists()


# --- The final PDF --------------------------------------------------------------------------


def test_a_pdf_naming_its_authors_is_accepted_without_anonymity_checks(accepted: Submission, author: Any) -> None:
    content = corpus.reportlab_pdf(first_page_text=["Fast Sparse Attention Kernels", "Co Author", author.email])
    version = services.final_pdf_upload(submission=accepted, content=content, filename="final.pdf", by=author)
    assert version.is_accepted
    assert version.kind == FileKind.CAMERA_READY
    codes = {c["code"] for c in version.checks}
    assert not codes & {"anonymous_metadata", "anonymous_first_page"}
    assert current_final_pdf(accepted) == version


def test_the_final_page_limit_and_versions(accepted: Submission, author: Any) -> None:
    assert services.settings_of(accepted.edition).final_page_limit() == accepted.edition.page_limit + 1
    first = services.final_pdf_upload(submission=accepted, content=make_pdf(11), filename="a.pdf", by=author)
    assert first.is_accepted  # the submission limit is 10; the final one 11
    CameraReadySettings.objects.create(edition=accepted.edition, page_limit=8)
    too_long = services.final_pdf_upload(submission=accepted, content=make_pdf(9), filename="b.pdf", by=author)
    assert not too_long.is_accepted
    assert any(c["code"] == "page_count" and c["status"] == "error" for c in too_long.checks)
    not_a_pdf = services.final_pdf_upload(submission=accepted, content=b"<html>no</html>", filename="c.pdf", by=author)
    assert not not_a_pdf.is_accepted
    assert any(c["status"] == "error" and c["message"] for c in not_a_pdf.checks)
    assert current_final_pdf(accepted) == first  # the previous version stays
    assert SubmissionFile.objects.filter(submission=accepted, kind=FileKind.CAMERA_READY).count() == 3
    second = services.final_pdf_upload(submission=accepted, content=make_pdf(8), filename="d.pdf", by=author)
    assert current_final_pdf(accepted) == second
    assert Action.objects.filter(action="camera_ready.failed_checks").count() == 2


def test_the_deadline_is_compared_with_the_time_of_receipt(
    accepted: Submission, author: Any, camera_ready: Deadline
) -> None:
    on_time = camera_ready.closes_at - timedelta(seconds=1)
    version = services.final_pdf_upload(
        submission=accepted, content=make_pdf(), filename="a.pdf", by=author, now=on_time
    )
    assert version.is_accepted
    late = camera_ready.closes_at + timedelta(seconds=1)
    with pytest.raises(PolicyDenied, match="closed"):
        services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="b.pdf", by=author, now=late)
    with pytest.raises(PolicyDenied, match="closed"):
        services.final_metadata_save(submission=accepted, data=metadata(), by=author, now=late)
    # The deadline has passed by the time the upload is checked and stored, but it was received before.
    now = timezone.now()
    Deadline.objects.filter(pk=camera_ready.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=10)
    )
    accepted = Submission.objects.select_related("edition").get(pk=accepted.pk)
    received = now - timedelta(days=11)
    kept = services.final_pdf_upload(
        submission=accepted, content=make_pdf(2), filename="c.pdf", by=author, now=received
    )
    assert kept.is_accepted
    with pytest.raises(PolicyDenied, match="closed"):
        services.final_pdf_upload(submission=accepted, content=make_pdf(3), filename="d.pdf", by=author)


# --- Completeness -----------------------------------------------------------------------------


def test_completeness_lists_what_is_missing(accepted: Submission, author: Any) -> None:
    assert completeness(accepted) == [Missing.PDF, Missing.METADATA, Missing.LICENCE, Missing.PRESENTER]
    services.final_metadata_save(submission=accepted, data=metadata(), by=author)
    assert completeness(accepted) == [Missing.PDF, Missing.METADATA, Missing.LICENCE]
    services.final_metadata_confirm(submission=accepted, by=author)
    services.licence_accept(submission=accepted, licence=Licence.COPYRIGHT_TRANSFER, by=author)
    assert completeness(accepted) == [Missing.PDF]
    services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    final = FinalVersion.objects.get()
    assert completeness(final) == completeness(accepted) == []
    (row,) = paper_statuses(accepted.edition)
    assert row.complete
    assert row.presenter == "Ada Author"


def test_the_published_metadata_follows_the_final_version(accepted: Submission, author: Any) -> None:
    (before,) = final_metadata_of(Submission.objects.filter(pk=accepted.pk))
    assert before.title == accepted.title
    services.final_metadata_save(
        submission=accepted, data=metadata(lines("Cy Third", "Ada Author", presenter=1)), by=author
    )
    (after,) = final_metadata_of(Submission.objects.filter(pk=accepted.pk))
    assert (after.title, after.presenter) == ("Fast Sparse Attention Kernels, Final", "Ada Author")


def test_chairs_set_the_page_limit_and_instructions(edition: Any, chair: Any, author: Any) -> None:
    row = services.camera_ready_settings_save(
        edition=edition, page_limit=12, instructions=" Use the template. ", by=chair
    )
    assert (row.final_page_limit(), row.instructions) == (12, "Use the template.")
    assert Action.objects.get(action="camera_ready.settings_saved").changes["page_limit"] == [None, 12]
    with pytest.raises(PolicyDenied):
        services.camera_ready_settings_save(edition=edition, page_limit=1, instructions="", by=author)
    with pytest.raises(ValidationError):
        services.camera_ready_settings_save(edition=edition, page_limit=0, instructions="", by=chair)
