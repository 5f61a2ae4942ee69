"""The camera-ready API: a paper's final version read, changed, confirmed, its licence and its
final PDF (with an Idempotency-Key), and the chairs' status list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from camera_ready.models import FinalVersion
from submissions.models import FileKind, Submission, SubmissionFile
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def path(edition: Any, rest: str = "") -> str:
    return f"/api/editions/{edition.slug}/camera-ready/{rest}"


AUTHORS = [
    {"name": "Co Author", "email": "coauthor@example.org", "orcid": "0000-0002-1825-0097", "is_presenter": True},
    {"name": "Ada Author", "email": "author@example.org", "affiliation": "Example U"},
]


def test_the_round_trip(accepted: Submission, author: Any, chair: Any) -> None:
    client = api(author)
    before = client.get(path(accepted.edition, "1/")).json()
    assert before["started"] is False
    assert before["title"] == accepted.title
    assert [a["is_presenter"] for a in before["authors"]] == [True, False]
    assert before["missing"] == ["pdf", "metadata", "licence", "presenter"]

    body = {"title": "Final", "abstract": "Final abstract.", "keywords": "x", "authors": AUTHORS}
    saved = client.put(path(accepted.edition, "1/"), body, format="json")
    assert saved.status_code == 200, saved.json()
    assert [a["name"] for a in saved.json()["authors"]] == ["Co Author", "Ada Author"]

    bad = client.put(
        path(accepted.edition, "1/"), {**body, "authors": [{**AUTHORS[0], "orcid": "1234"}]}, format="json"
    )
    assert bad.status_code == 400
    none = client.put(path(accepted.edition, "1/"), {**body, "authors": [{**AUTHORS[1]}]}, format="json")
    assert none.status_code == 400
    assert "presenter" in str(none.json())

    assert client.post(path(accepted.edition, "1/confirm/")).json()["confirmed_at"]
    assert client.post(path(accepted.edition, "1/licence/"), {"licence": "nope"}, format="json").status_code == 400
    licensed = client.post(path(accepted.edition, "1/licence/"), {"licence": "cc_by_4"}, format="json")
    assert licensed.json()["licence"] == "cc_by_4"

    upload = {"file": SimpleUploadedFile("final.pdf", make_pdf(3), content_type="application/pdf")}
    created = client.post(path(accepted.edition, "1/pdf/"), upload, format="multipart", HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201
    again = {"file": SimpleUploadedFile("final.pdf", make_pdf(3), content_type="application/pdf")}
    retried = client.post(path(accepted.edition, "1/pdf/"), again, format="multipart", HTTP_IDEMPOTENCY_KEY="k1")
    assert retried.json()["id"] == created.json()["id"]
    assert SubmissionFile.objects.filter(kind=FileKind.CAMERA_READY).count() == 1
    rejected = {"file": SimpleUploadedFile("final.pdf", b"not a pdf", content_type="application/pdf")}
    assert client.post(path(accepted.edition, "1/pdf/"), rejected, format="multipart").status_code == 400

    final = client.get(path(accepted.edition, "1/")).json()
    assert final["missing"] == []
    assert final["pdf"]["page_count"] == 3

    rows = api(chair).get(path(accepted.edition)).json()
    assert [(r["number"], r["complete"], r["presenter"]) for r in rows] == [(1, True, "Co Author")]


def test_chairs_read_but_do_not_write(accepted: Submission, chair: Any) -> None:
    client = api(chair)
    assert client.get(path(accepted.edition, "1/")).status_code == 200
    body = {"title": "Final", "abstract": "A.", "authors": AUTHORS}
    assert client.put(path(accepted.edition, "1/"), body, format="json").status_code == 403
    assert client.post(path(accepted.edition, "1/confirm/")).status_code == 403
    assert not FinalVersion.objects.exists()


def test_others_get_404_and_the_list_is_the_chairs(accepted: Submission, author: Any, outsider: Any) -> None:
    assert api(outsider).get(path(accepted.edition, "1/")).status_code == 404
    assert api(outsider).get(path(accepted.edition)).status_code == 403
    assert api(author).get(path(accepted.edition)).status_code == 403
