"""The camera-ready pages: the authors' page (metadata with author rows, licence, PDF upload,
what is missing, the deadline), the final PDF, the chairs' page with its filter, CSV and settings,
the dashboard panel and the chair menu."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from camera_ready import services
from camera_ready.models import FinalVersion, Licence
from conferences.models import Deadline
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.camera_ready.conftest import metadata
from tests.factories.committees import RoleFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def url(edition: Any, rest: str = "") -> str:
    return f"/{edition.slug}/submissions/1/camera-ready/{rest}"


def author_form(**rows: Any) -> dict[str, Any]:
    data = {
        "title": "Final Title",
        "abstract": "Final abstract.",
        "keywords": "a, b",
        "authors-TOTAL_FORMS": "3",
        "authors-INITIAL_FORMS": "2",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "100",
        "authors-0-name": "Ada Author",
        "authors-0-email": "author@example.org",
        "authors-0-ORDER": "2",
        "authors-1-name": "Co Author",
        "authors-1-email": "coauthor@example.org",
        "authors-1-orcid": "0000-0002-1825-0097",
        "authors-1-is_presenter": "on",
        "authors-1-ORDER": "1",
        "authors-2-name": "",
        "authors-2-email": "",
    }
    data.update(rows)
    return data


def test_the_author_page_shows_the_prefilled_version_and_deadline(
    accepted: Submission, author: Any, camera_ready: Deadline
) -> None:
    page = client_for(author).get(url(accepted.edition))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Fast Sparse Attention Kernels" in text
    assert "AoE" in text
    assert "PST" in text or "PDT" in text
    assert "Still missing:" in text
    assert "the final PDF" in text
    assert not FinalVersion.objects.exists()  # a GET stores nothing


def test_the_author_saves_reorders_and_confirms(accepted: Submission, author: Any) -> None:
    client = client_for(author)
    assert client.post(url(accepted.edition), author_form()).status_code == 302
    final = FinalVersion.objects.get()
    assert [(a.name, a.is_presenter) for a in final.authors.order_by("position")] == [
        ("Co Author", True),
        ("Ada Author", False),
    ]
    assert client.post(url(accepted.edition, "confirm/")).status_code == 302
    assert FinalVersion.objects.get().confirmed_at is not None


def test_a_bad_orcid_or_two_presenters_rerender_the_form(accepted: Submission, author: Any) -> None:
    client = client_for(author)
    bad = client.post(url(accepted.edition), author_form(**{"authors-1-orcid": "0000-0002-1825-0098"}))
    assert bad.status_code == 400
    assert "is not an ORCID iD" in bad.content.decode()
    two = client.post(url(accepted.edition), author_form(**{"authors-0-is_presenter": "on"}))
    assert two.status_code == 400
    assert "exactly one presenter" in two.content.decode()
    assert not FinalVersion.objects.exists()


def test_licence_and_upload_from_the_page(accepted: Submission, author: Any) -> None:
    client = client_for(author)
    assert client.post(url(accepted.edition, "licence/"), {"licence": Licence.CC_BY}).status_code == 302
    assert not FinalVersion.objects.exists()  # not ticked: nothing accepted
    client.post(url(accepted.edition, "licence/"), {"licence": Licence.CC_BY, "agree": "on"})
    assert FinalVersion.objects.get().licence == Licence.CC_BY
    good = SimpleUploadedFile("final.pdf", make_pdf(2), content_type="application/pdf")
    assert client.post(url(accepted.edition, "upload/"), {"file": good}).status_code == 302
    bad = SimpleUploadedFile("final.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = client.post(url(accepted.edition, "upload/"), {"file": bad}, follow=True)
    text = response.content.decode()
    assert "the previous version stays" in text
    assert "Did not pass the checks" in text
    assert "2 pages" in text  # the current version is still the first
    download = client.get(url(accepted.edition, "final.pdf"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    download.close()


def test_chairs_read_the_page_and_download_but_cannot_post(accepted: Submission, author: Any, chair: Any) -> None:
    services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    client = client_for(chair)
    page = client.get(url(accepted.edition))
    assert page.status_code == 200
    assert 'id="metadata-form"' not in page.content.decode()
    assert client.post(url(accepted.edition), author_form()).status_code == 403
    assert client.post(url(accepted.edition, "confirm/")).status_code == 403
    download = client.get(url(accepted.edition, "final.pdf"))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    download.close()


def test_others_get_the_404_of_a_missing_paper(accepted: Submission, outsider: Any, pc_systems: Any) -> None:
    for user in (outsider, pc_systems):
        assert client_for(user).get(url(accepted.edition)).status_code == 404
        assert client_for(user).get(url(accepted.edition, "final.pdf")).status_code == 404


def test_before_the_release_the_page_says_why(accepted: Submission, author: Any) -> None:
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    client = client_for(author)
    page = client.get(url(accepted.edition))
    assert "once the decision is released" in page.content.decode()
    assert client.post(url(accepted.edition), author_form()).status_code == 403


@pytest.fixture
def second(accepted: Submission) -> Submission:
    """Paper #2, accepted (released), by someone else: nothing handed in."""
    paper = SubmissionFactory(
        edition=accepted.edition,
        number=2,
        title="Compilers",
        state=SubmissionState.ACCEPTED,
        decision_released_at=timezone.now(),
    )
    AuthorFactory(submission=paper, position=1, email="writer@example.org")
    return paper


def test_the_chairs_page_lists_who_is_missing_what(
    accepted: Submission, second: Submission, author: Any, chair: Any
) -> None:
    services.final_metadata_save(submission=accepted, data=metadata(), by=author)
    services.final_metadata_confirm(submission=accepted, by=author)
    services.licence_accept(submission=accepted, licence=Licence.CC_BY, by=author)
    services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    client = client_for(chair)
    page = client.get(f"/{accepted.edition.slug}/camera-ready/")
    text = page.content.decode()
    assert "<strong>1</strong> complete, <strong>1</strong> incomplete" in text
    assert 'data-number="1" class="complete"' in text
    assert 'data-number="2" class="incomplete"' in text
    filtered = client.get(f"/{accepted.edition.slug}/camera-ready/?incomplete=1").content.decode()
    assert 'data-number="2"' in filtered
    assert 'data-number="1"' not in filtered
    assert "Camera-ready" in text  # the chair menu entry
    exported = client.get(f"/{accepted.edition.slug}/camera-ready/camera-ready.csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["paper"], r["complete"], r["missing"]) for r in rows] == [
        ("1", "yes", ""),
        ("2", "no", "pdf; metadata; licence; presenter"),
    ]
    assert rows[0]["presenter"] == "Ada Author"


def test_a_conflicted_chair_does_not_see_the_paper_in_the_list(accepted: Submission, second: Submission) -> None:
    other = RoleFactory(edition=accepted.edition, kind=RoleKind.PC_CHAIR, user__email="c2@example.org").user
    Conflict.objects.create(
        submission=accepted, user=other, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    client = client_for(other)
    text = client.get(f"/{accepted.edition.slug}/camera-ready/").content.decode()
    assert 'data-number="2"' in text
    assert 'data-number="1"' not in text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/{accepted.edition.slug}/camera-ready/camera-ready.csv").content.decode())
        )
    )
    assert [r["paper"] for r in rows] == ["2"]
    assert client.get(url(accepted.edition)).status_code == 404


def test_the_chairs_page_is_the_chairs(accepted: Submission, author: Any, pc_systems: Any) -> None:
    for user in (author, pc_systems):
        assert client_for(user).get(f"/{accepted.edition.slug}/camera-ready/").status_code == 403
        assert client_for(user).get(f"/{accepted.edition.slug}/camera-ready/camera-ready.csv").status_code == 403


def test_chairs_save_the_settings(accepted: Submission, chair: Any, author: Any) -> None:
    client = client_for(chair)
    settings_url = f"/{accepted.edition.slug}/camera-ready/settings/"
    assert client.post(settings_url, {"page_limit": "12", "instructions": "Use **the** template."}).status_code == 302
    assert services.settings_of(accepted.edition).final_page_limit() == 12
    assert "<strong>the</strong>" in client_for(author).get(url(accepted.edition)).content.decode()
    assert client.post(settings_url, {"page_limit": "0"}, follow=True).status_code == 200
    assert services.settings_of(accepted.edition).final_page_limit() == 12
    assert client_for(author).post(settings_url, {"page_limit": "3"}).status_code == 403


def test_the_dashboard_panels(accepted: Submission, second: Submission, author: Any, chair: Any) -> None:
    mine = client_for(author).get(f"/{accepted.edition.slug}/").content.decode()
    assert 'id="camera-ready-panel"' in mine
    assert url(accepted.edition) in mine
    chairs = client_for(chair).get(f"/{accepted.edition.slug}/").content.decode()
    assert "0 complete, 2 incomplete" in chairs


def test_the_page_shows_the_papers_extended_deadline(accepted: Submission, author: Any, chair: Any) -> None:
    from datetime import timedelta

    from camera_ready.status import camera_ready_deadline
    from conferences.models import Phase
    from submissions.models import Extension

    until = camera_ready_deadline(accepted) + timedelta(days=5)
    Extension.objects.create(
        edition=accepted.edition, phase=Phase.CAMERA_READY, submission=accepted, until=until, granted_by=chair
    )
    text = client_for(author).get(url(accepted.edition)).content.decode()
    assert "(extended for this paper)" in text
    assert camera_ready_deadline(Submission.objects.get(pk=accepted.pk)) == until


def test_the_chairs_page_asks_as_many_queries_for_three_papers_as_for_one(
    accepted: Submission, author: Any, chair: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.final_metadata_save(submission=accepted, data=metadata(), by=author)
    services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    client = client_for(chair)
    page = f"/{accepted.edition.slug}/camera-ready/"
    client.get(page)  # the session and the caches warm
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for number in (2, 3):
        paper = SubmissionFactory(
            edition=accepted.edition, number=number, state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
        )
        AuthorFactory(submission=paper, position=1, email=f"w{number}@example.org")
    with CaptureQueriesContext(connection) as three:
        assert client.get(page).content.decode().count("data-number=") == 3
    assert len(three) == len(one)
