"""A paper's discussion: who reads each audience (pages, API, mail), anonymous labels, edit
history, @mentions, and notifications each/digest/none with an idempotent digest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase, ReleaseKind
from conferences.releases import release_now
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from reviews import discussion
from reviews.models import (
    Comment,
    CommentAudience,
    CommentVersion,
    NotificationPreference,
    NotifyMode,
    PaperFollow,
    PCSeesNames,
    PCSeesReviews,
    ReviewSettings,
)
from reviews.selectors import paper_reviews
from reviews.tasks import comment_digest
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing, write_review

pytestmark = pytest.mark.django_db

A, R, PC, AU = CommentAudience.CHAIRS, CommentAudience.REVIEWERS, CommentAudience.PC, CommentAudience.AUTHORS


@pytest.fixture
def pc_other(edition: Edition) -> Any:
    """A PC member not assigned to the paper."""
    return RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="other@example.org").user


@pytest.fixture
def pc_conflicted(edition: Edition, submission: Submission) -> Any:
    user: Any = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="conflicted@example.org").user
    Conflict.objects.create(
        submission=submission, user=user, reason=ConflictReason.COLLABORATOR, source=ConflictSource.PC_MEMBER
    )
    return user


@pytest.fixture
def reviewed(edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any) -> Submission:
    """Paper #1, reviewed by a Systems (Reviewer A) and an ML member (Reviewer B); the PC sees
    everyone's reviews (so an unassigned member may read the PC level); names never shown."""
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    write_review(submission, pc_systems)
    write_review(submission, pc_ml)
    ReviewSettings.objects.update_or_create(
        edition=edition, defaults={"pc_sees_reviews": PCSeesReviews.ALWAYS, "pc_sees_names": PCSeesNames.NEVER}
    )
    submission.refresh_from_db()
    return submission


def post(by: Any, paper: Submission, body: str, audience: str = R) -> Comment:
    return discussion.comment_post(by=by, submission=paper, body=body, audience=audience)


def bodies(user: Any, paper: Submission) -> list[str]:
    from conferences.access import access_for

    thread = discussion.thread_for(access_for(user, paper.edition), paper_reviews(paper))
    return [item.comment.body for item in thread.comments]


def comment_mails(user: Any) -> list[Mail]:
    return list(Mail.objects.filter(to_user=user, dedupe_key__startswith="comment").order_by("pk"))


def api_list(user: Any, paper: Submission) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(f"/api/editions/{paper.edition.slug}/papers-to-review/{paper.number}/comments/")


# --- Audiences x roles ----------------------------------------------------------------------


def test_each_audience_reaches_only_its_readers(
    reviewed: Submission, chair: Any, pc_systems: Any, pc_ml: Any, pc_other: Any, pc_conflicted: Any, author: Any
) -> None:
    post(chair, reviewed, "TO-CHAIRS", A)
    post(pc_systems, reviewed, "TO-REVIEWERS", R)
    post(pc_ml, reviewed, "TO-PC", PC)
    post(chair, reviewed, "TO-AUTHORS", AU)
    assert bodies(chair, reviewed) == ["TO-CHAIRS", "TO-REVIEWERS", "TO-PC", "TO-AUTHORS"]
    assert bodies(pc_ml, reviewed) == ["TO-REVIEWERS", "TO-PC", "TO-AUTHORS"]  # chairs-only hidden
    assert bodies(pc_other, reviewed) == ["TO-PC", "TO-AUTHORS"]  # not one of the paper's reviewers
    assert bodies(pc_conflicted, reviewed) == []
    assert bodies(author, reviewed) == []  # reviews not released yet


def test_the_api_lists_the_same_and_hides_the_paper_from_the_conflicted(
    reviewed: Submission, chair: Any, pc_systems: Any, pc_other: Any, pc_conflicted: Any
) -> None:
    post(chair, reviewed, "TO-CHAIRS", A)
    post(pc_systems, reviewed, "TO-REVIEWERS", R)
    post(pc_systems, reviewed, "TO-PC", PC)
    listed = api_list(pc_other, reviewed)
    assert listed.status_code == 200
    assert [c["body"] for c in listed.json()] == ["TO-PC"]
    assert api_list(pc_conflicted, reviewed).status_code == 404
    hidden = Comment.objects.get(body="TO-CHAIRS")
    client = Client()
    client.force_login(pc_other)
    assert client.get(f"/api/editions/mlsys2027/papers-to-review/1/comments/{hidden.pk}/").status_code == 404
    client.force_login(pc_conflicted)
    assert client.get("/mlsys2027/reviews/papers/1/").status_code == 404


def test_nobody_may_address_an_audience_they_do_not_read(reviewed: Submission, pc_systems: Any, pc_other: Any) -> None:
    with pytest.raises(PolicyDenied):
        post(pc_systems, reviewed, "Psst", A)
    with pytest.raises(PolicyDenied):
        post(pc_other, reviewed, "Me too", R)
    post(pc_other, reviewed, "Fine", PC)


def test_a_reviewer_who_has_not_submitted_may_not_take_part_yet(
    edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any
) -> None:
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    write_review(submission, pc_systems)
    post(pc_systems, submission, "Early thoughts")
    with pytest.raises(PolicyDenied):
        post(pc_ml, submission, "Mine is not in")
    assert bodies(pc_ml, submission) == []


def test_authors_read_the_authors_level_after_release_and_write_only_during_the_response(
    reviewed: Submission, edition: Edition, chair: Any, pc_systems: Any, author: Any
) -> None:
    post(pc_systems, reviewed, "TO-REVIEWERS", R)
    post(pc_systems, reviewed, "A question for the authors", AU)
    with pytest.raises(PolicyDenied):
        post(author, reviewed, "Too early", AU)
    release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    assert bodies(author, reviewed) == ["A question for the authors"]
    with pytest.raises(PolicyDenied):  # released, but the response is not open
        post(author, reviewed, "Still too early", AU)
    now = timezone.now()
    Deadline.objects.create(
        edition=edition,
        phase=Phase.AUTHOR_RESPONSE,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
    )
    reviewed = Submission.objects.get(pk=reviewed.pk)  # the edition's timeline, read again
    with pytest.raises(PolicyDenied):
        post(author, reviewed, "To the reviewers only", R)
    answer = post(author, reviewed, "Our answer", AU)
    assert answer.by_authors
    from conferences.access import access_for
    from reviews.visibility import comment_author_shown_as

    paper = paper_reviews(reviewed)
    question = Comment.objects.get(body="A question for the authors")
    assert comment_author_shown_as(access_for(author, edition), paper, question) == "Reviewer A"
    assert comment_author_shown_as(access_for(pc_systems, edition), paper, answer) == "Authors"


# --- Labels ---------------------------------------------------------------------------------


def test_writers_are_shown_by_label_unless_the_reader_may_see_names(
    reviewed: Submission, client: Client, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    post(pc_systems, reviewed, "Signed how?", R)
    client.force_login(pc_ml)
    page = client.get("/mlsys2027/reviews/papers/1/").content.decode()
    assert "Signed how?" in page
    assert "Reviewer A (Systems)" in page
    assert pc_systems.display_name not in page
    mail = comment_mails(pc_ml)[0]
    assert "Reviewer A (Systems)" in mail.subject + mail.body
    assert pc_systems.display_name not in mail.subject + mail.body
    client.force_login(chair)
    assert pc_systems.display_name in client.get("/mlsys2027/reviews/papers/1/").content.decode()


# --- Edits ----------------------------------------------------------------------------------


def test_edits_keep_the_earlier_text_and_only_the_writer_edits(
    reviewed: Submission, edition: Edition, pc_systems: Any, pc_ml: Any
) -> None:
    comment = post(pc_systems, reviewed, "First text")
    with pytest.raises(PolicyDenied):
        discussion.comment_edit(by=pc_ml, comment=comment, body="Hijacked")
    discussion.comment_edit(by=pc_systems, comment=comment, body="Second text")
    comment.refresh_from_db()
    assert comment.body == "Second text"
    assert comment.edited_at is not None
    assert list(CommentVersion.objects.filter(comment=comment).values_list("body", flat=True)) == ["First text"]
    client = Client()
    client.force_login(pc_ml)
    history = client.get(f"/api/editions/mlsys2027/papers-to-review/1/comments/{comment.pk}/history/").json()
    assert [v["body"] for v in history["versions"]] == ["First text"]
    assert history["comment"]["author"] == "Reviewer A (Systems)"
    assert client.get(f"/mlsys2027/reviews/papers/1/comments/{comment.pk}/history/").status_code == 200
    with pytest.raises(ValidationError):
        discussion.comment_edit(by=pc_systems, comment=comment, body="x" * 20_001)
    now = timezone.now()
    Deadline.objects.create(
        edition=edition, phase=Phase.DISCUSSION, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1)
    )
    comment = Comment.objects.select_related("submission__edition").get(pk=comment.pk)  # the timeline, read again
    with pytest.raises(PolicyDenied):
        discussion.comment_edit(by=pc_systems, comment=comment, body="Too late")


def test_the_api_patches_ones_own_comment(reviewed: Submission, pc_systems: Any, pc_ml: Any) -> None:
    comment = post(pc_systems, reviewed, "Typo hre")
    client = Client()
    client.force_login(pc_ml)
    url = f"/api/editions/mlsys2027/papers-to-review/1/comments/{comment.pk}/"
    assert client.patch(url, {"body": "Mine now"}, content_type="application/json").status_code == 403
    client.force_login(pc_systems)
    answer = client.patch(url, {"body": "Typo here"}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["earlier_versions"] == 1


# --- Mentions -------------------------------------------------------------------------------


def test_a_mention_reaches_only_people_who_may_read_the_comment(
    reviewed: Submission, pc_systems: Any, pc_ml: Any, pc_other: Any, chair: Any
) -> None:
    PaperFollow.objects.create(user=pc_ml, submission=reviewed, follows=False)  # only a mention reaches them
    comment = post(pc_systems, reviewed, f"@Reviewer B, what do you think? And @{pc_other.display_name}?", R)
    assert len(comment_mails(pc_ml)) == 1
    assert "mentioned you" in comment_mails(pc_ml)[0].subject
    assert comment_mails(pc_other) == []  # may not read the reviewers' level
    assert comment.body.startswith("@Reviewer B")  # kept as written
    post(pc_systems, reviewed, f"@{chair.display_name} can you look?", PC)
    assert len(comment_mails(chair)) == 1


def test_a_name_the_writer_may_not_know_is_not_resolved(reviewed: Submission, pc_systems: Any, pc_ml: Any) -> None:
    PaperFollow.objects.create(user=pc_ml, submission=reviewed, follows=False)
    post(pc_systems, reviewed, f"@{pc_ml.display_name} is it you?", R)
    assert comment_mails(pc_ml) == []  # names are never shown here, so no mention by name


# --- Mail: each, digest, none -------------------------------------------------------------


def test_followers_get_mail_as_they_chose(reviewed: Submission, edition: Edition, pc_systems: Any, pc_ml: Any) -> None:
    post(pc_systems, reviewed, "One")
    assert len(comment_mails(pc_ml)) == 1
    assert comment_mails(pc_systems) == []  # not one's own
    NotificationPreference.objects.create(user=pc_ml, edition=edition, mode=NotifyMode.DIGEST)
    post(pc_systems, reviewed, "Two")
    assert len(comment_mails(pc_ml)) == 1
    NotificationPreference.objects.filter(user=pc_ml).update(mode=NotifyMode.NONE)
    post(pc_systems, reviewed, "Three")
    assert len(comment_mails(pc_ml)) == 1


def test_no_mail_to_followers_who_may_not_read_the_comment(
    reviewed: Submission, chair: Any, pc_systems: Any, pc_ml: Any, pc_other: Any
) -> None:
    PaperFollow.objects.create(user=pc_other, submission=reviewed)
    post(chair, reviewed, "For the chairs", A)
    post(pc_systems, reviewed, "For the reviewers", R)
    assert comment_mails(pc_other) == []
    assert [m.body.count("For the reviewers") for m in comment_mails(pc_ml)] == [1]


def test_the_digest_lists_yesterdays_readable_comments_once(
    reviewed: Submission, edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    NotificationPreference.objects.create(user=pc_ml, edition=edition, mode=NotifyMode.DIGEST)
    post(pc_systems, reviewed, "Readable remark")
    post(chair, reviewed, "Secret remark", A)
    tomorrow = timezone.now() + timedelta(days=1)
    assert discussion.comment_digest(now=tomorrow) == 1
    assert discussion.comment_digest(now=tomorrow) == 1  # the same row again: nothing new queued
    comment_digest.delay()  # today's digest covers yesterday: nothing then
    digests = list(Mail.objects.filter(to_user=pc_ml, dedupe_key__startswith="comment-digest"))
    assert len(digests) == 1
    assert "Readable remark" in digests[0].body
    assert "Secret remark" not in digests[0].body
    assert "Reviewer A (Systems)" in digests[0].body
    assert comment_mails(pc_ml) == digests  # and no mail per comment


# --- Pages ----------------------------------------------------------------------------------


def test_the_page_posts_follows_and_saves_the_preference(
    reviewed: Submission, client: Client, pc_systems: Any, pc_ml: Any
) -> None:
    client.force_login(pc_systems)
    page = client.get("/mlsys2027/reviews/papers/1/").content.decode()
    assert 'id="comment-form"' in page
    assert 'value="chairs"' not in page  # not an audience they read
    answer = client.post("/mlsys2027/reviews/papers/1/comments/", {"body": "Via the page $x^2$", "audience": "pc"})
    assert answer.status_code == 302
    assert Comment.objects.get().audience == PC
    assert "<math" in client.get("/mlsys2027/reviews/papers/1/").content.decode()
    client.post("/mlsys2027/reviews/papers/1/follow/", {"follows": "0"})
    assert not discussion.follows(pc_systems, paper_reviews(reviewed))
    client.post("/mlsys2027/reviews/notifications/", {"mode": "digest"})
    assert NotificationPreference.objects.get(user=pc_systems).mode == NotifyMode.DIGEST
    client.force_login(pc_ml)
    assert "Via the page" in client.get("/mlsys2027/reviews/papers/1/").content.decode()
