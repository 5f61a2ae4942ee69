"""The review-writing page, its offline text form and its API, over HTTP: the form rendered from
the edition's fields, drafts that keep the text on error, submission and its history, who gets
a 404, and an offline form downloaded, filled in and uploaded back."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assignments.models import AssignmentKind
from conferences.models import Edition
from conferences.roles import RoleKind
from reviews.models import Review, ReviewState, ReviewVersion
from reviews.offline import OFFLINE_FORM_MAX_BYTES
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import COMPLETE_META_REVIEW, COMPLETE_REVIEW, assign, write_review
from tests.personas import client_for

pytestmark = pytest.mark.django_db

TEXT_KEYS = {"summary", "strengths", "weaknesses"}


def page(paper: Submission, what: str = "review") -> str:
    return f"/{paper.edition.slug}/reviews/papers/{paper.number}/{what}/"


def api(paper: Submission, what: str = "review") -> str:
    return f"/api/editions/{paper.edition.slug}/papers-to-review/{paper.number}/{what}/"


def posted(**answers: Any) -> dict[str, Any]:
    return {key: str(value) for key, value in answers.items()}


def test_the_page_renders_every_field_with_its_levels_and_audience(reviewing: Submission, pc_systems: Any) -> None:
    response = client_for(pc_systems).get(page(reviewing))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="summary"' in html
    assert "<textarea" in html
    assert 'type="radio" name="merit" value="6"' in html
    assert "6 Strong accept" in html
    assert "Visible to authors" in html
    assert "PC only" in html
    assert "Save draft" in html
    assert "Submit review" in html
    assert "reviews/review_form.js" in html
    assert "<script>" not in html
    assert "AoE" in html  # the round's deadline, in the edition's zone and AoE
    assert not Review.objects.exists()  # a visit starts nothing


def test_a_draft_with_a_bad_answer_keeps_every_word(reviewing: Submission, pc_systems: Any) -> None:
    text = "My careful thoughts about the kernels, which I do not want to type again."
    response = client_for(pc_systems).post(
        page(reviewing), {"summary": text, "strengths": "word " * 801, "merit": "4", "action": "draft"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html
    assert "At most 800 words (this has 801)" in html
    assert 'value="4" checked' in html
    assert not Review.objects.exists()  # nothing saved, not even an empty draft


def test_a_draft_saves_then_submitting_needs_every_answer(reviewing: Submission, pc_systems: Any) -> None:
    client = client_for(pc_systems)
    response = client.post(page(reviewing), {"summary": "Half a thought", "action": "draft"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.state, review.answers) == (ReviewState.DRAFT, {"summary": "Half a thought"})
    response = client.post(page(reviewing), {"summary": "Half a thought", "action": "submit"})
    assert response.status_code == 400
    assert "Please answer this before submitting." in response.content.decode()
    assert Review.objects.get().state == ReviewState.DRAFT
    response = client.post(page(reviewing), {**posted(**COMPLETE_REVIEW), "action": "submit"}, follow=True)
    assert "is submitted (version 1)" in response.content.decode()
    assert "Submitted (version 1)" in response.content.decode()
    assert "Update review" in response.content.decode()
    assert 'data-autosave="off"' in response.content.decode()  # a submitted review changes by its button only


def test_updating_a_submitted_review_makes_a_version_shown_in_its_history(
    reviewing: Submission, pc_systems: Any, chair: Any, pc_ml: Any
) -> None:
    review = write_review(reviewing, pc_systems)
    client = client_for(pc_systems)
    client.post(page(reviewing), {**posted(**COMPLETE_REVIEW), "merit": "2", "action": "update"})
    review.refresh_from_db()
    assert review.version == 2
    history = f"/{reviewing.edition.slug}/reviews/papers/{reviewing.number}/reviews/{review.pk}/history/"
    for viewer in (pc_systems, chair):
        html = client_for(viewer).get(history).content.decode()
        assert "Version 2 (current)" in html
        assert "Version 1" in html
        assert "2 Reject" in html
        assert "4 Weak accept" in html
        assert "changed" in html
    assert client_for(pc_ml).get(history).status_code == 404  # a co-reviewer reads reviews on the paper page


@pytest.mark.parametrize("who", ["unassigned", "author", "conflicted_chair"])
def test_whoever_may_not_write_it_gets_a_404(
    reviewing: Submission, pc_systems: Any, author: Any, edition: Edition, who: str
) -> None:
    user: Any
    if who == "unassigned":
        user = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="free@example.org").user
    elif who == "author":
        user = author
    else:
        user = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user
        Conflict.objects.create(
            submission=reviewing, user=user, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
        )
    review = write_review(reviewing, pc_systems)
    client = client_for(user)
    history = f"/{reviewing.edition.slug}/reviews/papers/{reviewing.number}/reviews/{review.pk}/history/"
    for url in (page(reviewing), page(reviewing, "review/offline"), page(reviewing, "meta-review"), history):
        assert client.get(url).status_code == 404, url
    assert client.post(page(reviewing), posted(**COMPLETE_REVIEW)).status_code == 404
    assert client.get(api(reviewing)).status_code == 404
    assert client.put(api(reviewing), {"answers": {}}, content_type="application/json").status_code == 404


def test_a_chair_not_assigned_has_no_review_to_write(reviewing: Submission, chair: Any) -> None:
    assert client_for(chair).get(page(reviewing)).status_code == 404


def test_the_offline_form_round_trip(reviewing: Submission, pc_systems: Any) -> None:
    client = client_for(pc_systems)
    response = client.get(page(reviewing, "review/offline"))
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "==+== Overall merit (1-6: 1 Strong reject ... 6 Strong accept)" in text
    assert f"==+== Paper #{reviewing.number}" in text
    filled = []
    for line in text.splitlines():
        filled.append(line)
        for key, header in [
            ("summary", "==+== Summary of the paper"),
            ("strengths", "==+== Strengths"),
            ("weaknesses", "==+== Weaknesses"),
            ("merit", "==+== Overall merit"),
            ("expertise", "==+== Reviewer expertise"),
            ("confidence", "==+== Reviewer confidence"),
            ("bridge", "==+== Does the paper bridge"),
            ("reproducibility", "==+== Reproducibility"),
        ]:
            if line.startswith(header):
                filled.append(str(COMPLETE_REVIEW[key]))
    upload = SimpleUploadedFile("review.txt", "\n".join(filled).encode(), content_type="text/plain")
    response = client.post(page(reviewing, "review/offline"), {"file": upload, "submit": "1"}, follow=True)
    assert "your review is submitted (version 1)" in response.content.decode()
    review = Review.objects.get()
    assert review.state == ReviewState.SUBMITTED
    assert review.answers == COMPLETE_REVIEW
    # Downloaded again, it carries the answers, and reads back to the same review.
    again = client.get(page(reviewing, "review/offline")).content.decode()
    assert str(COMPLETE_REVIEW["summary"]) in again
    upload = SimpleUploadedFile("review.txt", again.encode(), content_type="text/plain")
    client.post(page(reviewing, "review/offline"), {"file": upload})
    review.refresh_from_db()
    assert review.answers == COMPLETE_REVIEW
    assert review.version == 2


@pytest.mark.parametrize(
    ("content", "messages"),
    [
        (
            "==+== Paper #1\n==+== Overall merit\n9\n==+== Jokes\nha\n",
            ['"Overall merit": "9" is not one of 1 (Strong reject)', 'Line 4: unknown section "Jokes"'],
        ),
        ("==+== Paper #2\n==+== Strengths\nGood.\n", ["this form is for paper #2, not #1"]),
        ("Just my thoughts.\n", ["text outside any question", 'no "==+== Paper #1" line']),
        ("==+== Paper #1\n==+== Strengths\n" + "word " * 801, ['"Strengths": At most 800 words (this has 801)']),
        (b"\xff\xfe\x00bad", ["not plain text in UTF-8"]),
        (b"x" * (OFFLINE_FORM_MAX_BYTES + 1), ["too large"]),
    ],
)
def test_a_bad_offline_form_saves_nothing_and_says_why(
    reviewing: Submission, pc_systems: Any, content: Any, messages: list[str]
) -> None:
    write_review(reviewing, pc_systems, submit=False, strengths="Kept.")
    body = content if isinstance(content, bytes) else content.encode()
    upload = SimpleUploadedFile("review.txt", body, content_type="text/plain")
    response = client_for(pc_systems).post(page(reviewing, "review/offline"), {"file": upload}, follow=True)
    html = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "The uploaded form was not saved." in html
    for message in messages:
        assert message in html
    assert Review.objects.get().answers["strengths"] == "Kept."


def test_the_api_saves_drafts_with_errors_by_field_and_submits(reviewing: Submission, pc_systems: Any) -> None:
    client = client_for(pc_systems)
    mine = client.get(api(reviewing)).json()
    assert (mine["state"], mine["version"], mine["can_write"]) == ("not_started", 0, True)
    assert [field["key"] for field in mine["questions"]][:3] == ["summary", "strengths", "weaknesses"]
    response = client.put(api(reviewing), {"answers": {"summary": "Half", "merit": 9}}, content_type="application/json")
    assert response.status_code == 400
    assert "Choose one of" in response.json()["answers"]["merit"][0]
    assert not Review.objects.exists()
    response = client.put(api(reviewing), {"answers": {"summary": "Half"}}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "draft"
    response = client.put(api(reviewing), {"answers": COMPLETE_REVIEW, "submit": True}, content_type="application/json")
    assert (response.json()["state"], response.json()["version"]) == ("submitted", 1)
    versions = client.get(api(reviewing, "review/versions")).json()
    assert [(v["version"], v["answers"]["merit"]) for v in versions] == [(1, 4)]
    assert ReviewVersion.objects.count() == 1


def test_the_paper_page_links_to_the_review(reviewing: Submission, pc_systems: Any) -> None:
    client = client_for(pc_systems)
    url = f"/{reviewing.edition.slug}/reviews/papers/{reviewing.number}/"
    assert "Write your review" in client.get(url).content.decode()
    write_review(reviewing, pc_systems)
    html = client.get(url).content.decode()
    assert "Edit your review" in html
    assert "Submitted (version 1)" in html


def test_a_meta_reviewer_writes_a_meta_review_with_its_own_form(reviewing: Submission, edition: Edition) -> None:
    area_chair = RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, user__email="ac@example.org").user
    assign(reviewing, area_chair, AssignmentKind.META_REVIEW)
    client = client_for(area_chair)
    assert client.get(page(reviewing)).status_code == 404  # no review to write, only a meta-review
    html = client.get(page(reviewing, "meta-review")).content.decode()
    assert "Submit meta-review" in html
    assert "Accept (oral)" in html
    answers = {**COMPLETE_META_REVIEW, "action": "submit"}
    response = client.post(page(reviewing, "meta-review"), posted(**answers), follow=True)
    assert "Your meta-review is submitted (version 1)" in response.content.decode()
    review = Review.objects.get()
    assert review.is_meta
    assert review.answers == COMPLETE_META_REVIEW
    assert client.get(api(reviewing, "meta-review")).json()["state"] == "submitted"
