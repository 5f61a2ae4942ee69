"""The authors' view of their reviews and the author response: nothing before the release; after
it, only the author-visible fields, labels and never names or areas; the response's word limit
enforced by the server (page and API), drafts kept from the reviewers, per-review mode, mail to
the reviewers without author names, and mail to the authors when a review changes after the
response. Meta-reviews: the meta-reviewer reads every submitted review before writing, and the
authors read only the meta-review's author fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from assignments.models import AssignmentKind
from conferences.access import access_for
from conferences.models import Deadline, Edition, Phase, ReleaseKind
from conferences.releases import release_now
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from reviews import services
from reviews.models import AuthorResponse, ResponseState, ReviewSettings
from reviews.responses import response_save, responses_visible_to
from reviews.selectors import paper_reviews
from reviews.visibility import can_view_review
from submissions.models import Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import COMPLETE_META_REVIEW, COMPLETE_REVIEW, assign, open_reviewing, write_review

pytestmark = pytest.mark.django_db

PC_SECRET = "Between us: I suspect this is the group from the big lab."
META_SECRET = "Chairs only: this one sits at the accept line."


@pytest.fixture
def area_chair(edition: Edition) -> Any:
    return RoleFactory(
        edition=edition, kind=RoleKind.AREA_CHAIR, user__email="ac@example.org", user__last_name="Metaperson"
    ).user


@pytest.fixture
def reviewed(edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any, area_chair: Any) -> Submission:
    """Two submitted reviews (Systems first: "Reviewer A") and a meta-review; reviewing closed,
    the author response open; reviews not released yet."""
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    assign(submission, area_chair, AssignmentKind.META_REVIEW)
    write_review(submission, pc_systems, pc_comments=PC_SECRET, questions="Why only one model family?")
    write_review(submission, pc_ml, merit=3)
    write_review(submission, area_chair, pc_comments=META_SECRET)
    now = timezone.now()
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=now - timedelta(hours=1))
    Deadline.objects.create(edition=edition, phase=Phase.AUTHOR_RESPONSE, closes_at=now + timedelta(days=5))
    return submission


@pytest.fixture
def released(reviewed: Submission, edition: Edition, chair: Any) -> Submission:
    release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    return reviewed


def page_of(user: Any, edition: Edition, number: int = 1) -> Any:
    client = Client()
    client.force_login(user)
    return client, f"/{edition.slug}/papers/{number}/reviews/"


def api_of(user: Any, edition: Edition, number: int = 1) -> Any:
    client = Client()
    client.force_login(user)
    return client, f"/api/editions/{edition.slug}/submissions/{number}/"


def names_of(*users: Any) -> list[str]:
    return [user.display_name for user in users] + [user.email for user in users]


def test_before_the_release_authors_see_nothing_not_even_counts(reviewed: Submission, edition: Edition, author: Any):
    client, url = page_of(author, edition)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reviews will appear here when the chairs release them" in text
    assert "Reviewer A" not in text
    assert str(COMPLETE_REVIEW["strengths"]) not in text
    assert 'id="response-paper"' not in text  # no response box either
    api, base = api_of(author, edition)
    data = api.get(base + "reviews/").json()
    assert (data["released"], data["reviews"]) == (False, [])
    assert "release" in data["message"]
    with pytest.raises(PolicyDenied, match="release"):
        response_save(by=author, submission=reviewed, body="Thanks.", submit=True)


def test_after_the_release_only_author_fields_labels_and_no_names_or_areas(
    released: Submission, edition: Edition, author: Any, pc_systems: Any, pc_ml: Any, area_chair: Any
) -> None:
    client, url = page_of(author, edition)
    text = client.get(url).content.decode()
    assert "Reviewer A" in text
    assert "Reviewer B" in text
    assert "Meta-review" in text
    assert str(COMPLETE_REVIEW["strengths"]) in text
    assert "Why only one model family?" in text
    assert str(COMPLETE_META_REVIEW["summary"])[:40] in text
    for hidden in (PC_SECRET, META_SECRET, "Reviewer expertise", "Recommendation", "Accept (poster)"):
        assert hidden not in text, hidden
    for name in names_of(pc_systems, pc_ml, area_chair):
        assert name not in text
    assert "(Systems)" not in text
    assert "(ML)" not in text

    api, base = api_of(author, edition)
    data = api.get(base + "reviews/").json()
    assert data["released"] is True
    assert [item["label"] for item in data["reviews"]] == ["Meta-review", "Reviewer A", "Reviewer B"]
    keys = {answer["key"] for item in data["reviews"] for answer in item["answers"]}
    assert "summary" in keys
    assert "merit" in keys
    assert not keys & {"pc_comments", "expertise", "recommendation"}  # PC-only fields, never
    meta = data["reviews"][0]
    assert [answer["key"] for answer in meta["answers"]] == ["summary"]
    raw = str(data)
    for name in names_of(pc_systems, pc_ml, area_chair):
        assert name not in raw


def test_only_the_papers_authors_open_the_page_and_api(
    released: Submission, edition: Edition, chair: Any, pc_systems: Any, area_chair: Any, outsider: Any
) -> None:
    for user in (chair, pc_systems, area_chair, outsider):
        client, url = page_of(user, edition)
        assert client.get(url).status_code == 404
        api, base = api_of(user, edition)
        assert api.get(base + "reviews/").status_code == 404
        assert api.put(base + "response/", {"body": "x"}, content_type="application/json").status_code == 404


def test_the_paper_page_links_the_authors_to_their_reviews(released: Submission, edition: Edition, author: Any):
    client = Client()
    client.force_login(author)
    text = client.get(f"/{edition.slug}/submissions/1/").content.decode()
    assert f"/{edition.slug}/papers/1/reviews/" in text
    assert "Reviews and response" in text


def test_the_word_limit_is_enforced_by_the_page_keeping_the_text(
    released: Submission, edition: Edition, author: Any
) -> None:
    ReviewSettings.objects.create(edition=edition, response_word_limit=50)
    client, url = page_of(author, edition)
    too_long = " ".join(f"word{i}" for i in range(51))
    page = client.post(url, {"body": too_long, "action": "submit"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "At most 50 words (this has 51)" in text
    assert too_long in text  # the text is kept in the form
    assert not AuthorResponse.objects.exists()

    within = " ".join(f"word{i}" for i in range(50))
    assert client.post(url, {"body": within, "action": "submit"}).status_code == 302
    response = AuthorResponse.objects.get()
    assert (response.state, response.body, response.review) == (ResponseState.SUBMITTED, within, None)


def test_the_word_limit_is_enforced_by_the_api(released: Submission, edition: Edition, author: Any) -> None:
    ReviewSettings.objects.create(edition=edition, response_word_limit=50)
    api, base = api_of(author, edition)
    refused = api.put(base + "response/", {"body": "w " * 60, "submit": True}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["body"] == ["At most 50 words (this has 60)."]
    saved = api.put(base + "response/", {"body": "Thank you all.", "submit": False}, content_type="application/json")
    assert saved.status_code == 200
    data = saved.json()
    assert (data["can_respond"], data["word_limit"], data["per_review"]) == (True, 50, False)
    assert [(r["state"], r["body"], r["review"], r["words"]) for r in data["responses"]] == [
        ("draft", "Thank you all.", None, 3)
    ]


def test_drafts_are_the_authors_alone_and_submitting_shows_the_response(
    released: Submission, edition: Edition, author: Any, pc_systems: Any, area_chair: Any, chair: Any
) -> None:
    response_save(by=author, submission=released, body="A draft we are not sure of.", submit=False)
    paper = paper_reviews(released)
    for reader in (pc_systems, area_chair, chair):
        assert responses_visible_to(access_for(reader, edition), paper) == []
        client = Client()
        client.force_login(reader)
        assert "A draft we are not sure of" not in client.get(f"/{edition.slug}/reviews/papers/1/").content.decode()
    assert [item.body for item in responses_visible_to(access_for(author, edition), paper)] == [
        "A draft we are not sure of."
    ]
    response_save(by=author, submission=released, body="Our answer to the reviews.", submit=True)
    client = Client()
    client.force_login(pc_systems)
    text = client.get(f"/{edition.slug}/reviews/papers/1/").content.decode()
    assert "Our answer to the reviews." in text
    assert "Response to the paper" in text


def test_per_review_mode_takes_one_response_per_review(
    released: Submission, edition: Edition, author: Any, pc_systems: Any, pc_ml: Any
) -> None:
    ReviewSettings.objects.create(edition=edition, response_per_review=True)
    first = released.reviews.get(reviewer=pc_systems)
    second = released.reviews.get(reviewer=pc_ml)
    with pytest.raises(ValidationError, match="say which review"):
        response_save(by=author, submission=released, body="To all.", submit=True)
    response_save(by=author, submission=released, body="To A.", review=first, submit=True)
    response_save(by=author, submission=released, body="To B.", review=second.pk, submit=False)
    assert dict(AuthorResponse.objects.values_list("review_id", "body")) == {first.pk: "To A.", second.pk: "To B."}
    client, url = page_of(author, edition)
    text = client.get(url).content.decode()
    assert f'id="response-{first.pk}"' in text
    assert f'id="response-{second.pk}"' in text
    assert "Response to Reviewer A" in text
    shown = responses_visible_to(access_for(pc_ml, edition), paper_reviews(released))
    assert [(item.body, "Reviewer A (Systems)" in item.to) for item in shown] == [("To A.", True)]  # the draft: no


def test_the_response_is_refused_outside_its_window(released: Submission, edition: Edition, author: Any) -> None:
    Deadline.objects.filter(edition=edition, phase=Phase.AUTHOR_RESPONSE).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(PolicyDenied, match="closed"):
        response_save(by=author, submission=released, body="Late.", submit=True)
    client, url = page_of(author, edition)
    assert client.post(url, {"body": "Late.", "action": "submit"}).status_code == 302
    assert not AuthorResponse.objects.exists()


def test_only_authors_may_respond(released: Submission, pc_systems: Any, chair: Any) -> None:
    for user in (pc_systems, chair):
        with pytest.raises(PolicyDenied):
            response_save(by=user, submission=released, body="Not mine.", submit=True)


def test_submitting_tells_the_reviewers_and_meta_reviewer_without_author_names(
    released: Submission,
    edition: Edition,
    author: Any,
    pc_systems: Any,
    pc_ml: Any,
    area_chair: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response_save(by=author, submission=released, body="A draft.", submit=False)
    assert not Mail.objects.filter(to_user__in=[pc_systems, pc_ml, area_chair]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response_save(by=author, submission=released, body="Our answer.", submit=True)
    mails = Mail.objects.filter(dedupe_key__startswith="response:")
    assert {mail.to_user for mail in mails} == {pc_systems, pc_ml, area_chair}
    for mail in mails:
        assert "#1" in mail.subject
        assert "response" in mail.subject
        assert f"/{edition.slug}/reviews/papers/1/" in mail.body
        for forbidden in (author.display_name, author.email, "Co Author", "coauthor@example.org", "Our answer."):
            assert forbidden not in mail.subject + mail.body


def test_a_review_updated_after_the_response_tells_the_authors_by_label(
    released: Submission, edition: Edition, author: Any, pc_ml: Any, django_capture_on_commit_callbacks: Any
) -> None:
    review = released.reviews.get(reviewer=pc_ml)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(by=pc_ml, review=review, answers={**COMPLETE_REVIEW, "merit": 4}, submit=True)
    assert not Mail.objects.filter(to_user=author).exists()  # no response yet: nothing to tell

    with django_capture_on_commit_callbacks(execute=True):
        response_save(by=author, submission=released, body="Our answer.", submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(by=pc_ml, review=review, answers={**COMPLETE_REVIEW, "pc_comments": "x"}, submit=True)
    assert not Mail.objects.filter(to_user=author).exists()  # a PC-only field changed: not told
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(by=pc_ml, review=review, answers={**COMPLETE_REVIEW, "merit": 5}, submit=True)
    mail = Mail.objects.get(to_user=author)
    assert "Reviewer B updated their review" in mail.subject
    assert "Reviewer B updated their review" in mail.body
    assert pc_ml.display_name not in mail.subject + mail.body
    assert "(ML)" not in mail.body
    assert f"/{edition.slug}/papers/1/reviews/" in mail.body


def test_a_meta_reviewer_sees_every_submitted_review_before_writing_theirs(
    edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any, area_chair: Any
) -> None:
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    assign(submission, area_chair, AssignmentKind.META_REVIEW)
    first = write_review(submission, pc_systems)
    draft = write_review(submission, pc_ml, submit=False)
    paper = paper_reviews(submission)
    meta = access_for(area_chair, edition)
    assert not meta.has_reviewed(submission)
    assert can_view_review(meta, paper, first)
    assert not can_view_review(meta, paper, draft)  # a draft is its writer's alone
    client = Client()
    client.force_login(area_chair)
    text = client.get(f"/{edition.slug}/reviews/papers/1/").content.decode()
    assert str(COMPLETE_REVIEW["summary"])[:50] in text


def test_a_response_of_few_but_endless_words_is_refused() -> None:
    """The word limit alone would let a handful of megabyte-long 'words' through."""
    from django.core.exceptions import ValidationError

    from mlsys_conf.limits import RESPONSE_MAX_CHARS
    from reviews.responses import _checked_body

    with pytest.raises(ValidationError, match="characters"):
        _checked_body("x" * (RESPONSE_MAX_CHARS + 1), 750, submit=False)
