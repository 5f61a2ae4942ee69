"""The artifact pages and the API: registering from the author's page, the committee's lists,
the access instructions each reader gets, the appendix and the hardware."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from artifacts import services
from artifacts.models import Artifact, EvaluatorHardware
from conferences.roles import RoleKind
from submissions.models import Submission
from tests.artifacts.conftest import assign
from tests.factories.committees import RoleFactory
from tests.factories.pdfs import make_pdf
from tests.personas import client_for

pytestmark = pytest.mark.django_db
SECRET = "password in the appendix"  # part of the fixture's access instructions


def _api(edition: Any, rest: str = "") -> str:
    return f"/api/editions/{edition.slug}/artifacts/{rest}"


def test_the_author_registers_from_their_page(accepted: Submission, author: Any, edition: Any) -> None:
    client = client_for(author)
    url = f"/{edition.slug}/submissions/1/artifact/"
    assert "Register the artifact" in client.get(url).content.decode()
    form = {
        "abstract": "Scripts for every table.",
        "repository_url": "https://example.org/repo",
        "doi": "not-a-doi",
        "badges": ["available", "reusable"],
        "time_needed": "2 h",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "10.NNNN/suffix" in refused.content.decode()
    assert client.post(url, {**form, "doi": "10.1145/3600006"}).status_code == 302
    assert Artifact.objects.get().badges == ["available", "functional", "reusable"]


def test_others_get_the_404_of_a_missing_paper(accepted: Submission, ae_chair: Any, chair: Any, edition: Any) -> None:
    for user in (ae_chair, chair):
        assert client_for(user).get(f"/{edition.slug}/submissions/1/artifact/").status_code == 404


def test_the_page_says_why_registration_is_refused(accepted: Submission, author: Any, edition: Any) -> None:
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    client = client_for(author)
    page = client.get(f"/{edition.slug}/submissions/1/artifact/")
    assert page.status_code == 200
    assert "once the decision is released" in page.content.decode()
    assert client.post(f"/{edition.slug}/submissions/1/artifact/", {"abstract": "x"}).status_code == 403


def test_the_appendix_upload_page_keeps_the_previous_version(artifact: Artifact, author: Any, edition: Any) -> None:
    client = client_for(author)
    url = f"/{edition.slug}/submissions/1/artifact/appendix/"
    client.post(url, {"file": SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")})
    client.post(url, {"file": SimpleUploadedFile("b.pdf", b"not a pdf", "application/pdf")})
    page = client.get(f"/{edition.slug}/submissions/1/artifact/").content.decode()
    assert "PDF, 1 page" in page
    assert artifact.submission.files.filter(is_accepted=True).count() == 1


def test_instructions_on_the_detail_page_and_in_the_api(artifact: Artifact, ae_member: Any, edition: Any) -> None:
    member = client_for(ae_member)
    assert SECRET not in member.get(f"/{edition.slug}/artifacts/1/").content.decode()
    assert member.get(_api(edition, "1/")).json()["access_instructions"] is None
    assert [row["number"] for row in member.get(_api(edition)).json()] == [1]
    assign(artifact, ae_member)
    assert SECRET in member.get(f"/{edition.slug}/artifacts/1/").content.decode()
    assert SECRET in member.get(_api(edition, "1/")).json()["access_instructions"]


def test_the_lists_hold_only_what_each_reader_may_see(
    artifact: Artifact, outsider: Any, chair: Any, edition: Any
) -> None:
    assert client_for(outsider).get(_api(edition)).json() == []
    assert client_for(chair).get(_api(edition)).json() == []
    assert client_for(chair).get(f"/{edition.slug}/artifacts/").status_code == 403
    assert client_for(chair).get(_api(edition, "1/")).status_code == 404


def test_the_appendix_is_served_to_the_committee(artifact: Artifact, author: Any, ae_member: Any, edition: Any) -> None:
    services.appendix_upload(submission=artifact.submission, content=make_pdf(), filename="a.pdf", by=author)
    response = client_for(ae_member).get(f"/{edition.slug}/artifacts/1/appendix/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_api_registers_edits_and_uploads(accepted: Submission, author: Any, edition: Any) -> None:
    api = client_for(author)
    body = {
        "number": 1,
        "abstract": "All tables.",
        "repository_url": "https://example.org/r",
        "doi": "",
        "badges": ["reproduced"],
        "hardware_needed": "1 x A100",
        "time_needed": "1 h",
        "access_instructions": "",
    }
    assert api.post(_api(edition), {**body, "badges": ["gold"]}, content_type="application/json").status_code == 400
    created = api.post(_api(edition), body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["badges"] == ["reproduced"]
    del body["number"]
    changed = api.put(_api(edition, "1/"), {**body, "doi": "10.5281/zenodo.42"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["doi"] == "10.5281/zenodo.42"
    upload = api.post(_api(edition, "1/appendix/"), {"file": SimpleUploadedFile("a.pdf", make_pdf())})
    assert upload.status_code == 201
    assert api.get(_api(edition, "1/")).json()["appendix"]["page_count"] == 1


def test_hardware_page_and_api_edit_only_ones_own(edition: Any, ae_member: Any, ae_chair: Any, chair: Any) -> None:
    other = RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER).user
    mine = {"gpu_type": "A100", "gpu_count": 2, "memory_gb": 256}
    page = client_for(ae_member).post(f"/{edition.slug}/artifacts/hardware/", mine)
    assert page.status_code == 302
    api = client_for(other)
    theirs = {"gpu_type": "H100", "gpu_count": 8}
    assert api.put(_api(edition, "hardware/"), theirs, content_type="application/json").status_code == 200
    assert api.get(_api(edition, "hardware/")).json()["gpu_type"] == "H100"
    assert EvaluatorHardware.objects.get(user=ae_member).gpu_type == "A100"  # untouched by the other member
    assert client_for(chair).put(_api(edition, "hardware/"), {}, content_type="application/json").status_code == 403
    rows = client_for(ae_chair).get(_api(edition, "committee-hardware/")).json()
    assert {(row["email"], (row["hardware"] or {}).get("gpu_count")) for row in rows} == {
        (ae_member.email, 2),
        (other.email, 8),
    }
    assert client_for(ae_member).get(_api(edition, "committee-hardware/")).status_code == 403
    assert "A100" in client_for(ae_chair).get(f"/{edition.slug}/artifacts/").content.decode()


def test_the_dashboard_links_to_the_artifact_page(accepted: Submission, author: Any, edition: Any) -> None:
    page = client_for(author).get(f"/{edition.slug}/").content.decode()
    assert f"/{edition.slug}/submissions/1/artifact/" in page
    assert "Register an artifact" in page


def test_the_paper_pages_neither_take_nor_give_the_appendix(
    artifact: Artifact, author: Any, chair: Any, edition: Any
) -> None:
    """The appendix goes in only through the artifact page, and the PC chair, who may read the
    paper's files, does not get it through them."""
    version = services.appendix_upload(submission=artifact.submission, content=make_pdf(), filename="a.pdf", by=author)
    upload = client_for(author).post(
        f"/{edition.slug}/submissions/1/upload/artifact_appendix/",
        {"file": SimpleUploadedFile("b.pdf", make_pdf(), "application/pdf")},
    )
    assert upload.status_code == 404
    assert client_for(chair).get(f"/{edition.slug}/submissions/1/files/{version.pk}/").status_code == 404
    listed = client_for(chair).get(f"/api/editions/{edition.slug}/submissions/1/files/").json()
    assert version.pk not in [row["id"] for row in listed]
    own = client_for(author).get(f"/{edition.slug}/submissions/1/files/{version.pk}/")
    assert own.status_code == 200
    own.close()
