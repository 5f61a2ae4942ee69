"""The decision letters: recipient sets by outcome (pending decisions included for the chairs'
composer), a context with only what authors may read (labels, never names, no PC-only field),
the letters to start from, nothing sent before the batch is released; decisions shown from the
second their release is due, before the job stamps them; scores loaded without the texts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments.models import AssignmentKind
from conferences.models import Edition, Release, ReleaseKind
from conferences.releases import release_schedule
from conferences.roles import RoleKind
from conferences.selectors import is_released, shows_released
from decisions.models import DecisionCategory
from decisions.services import categories_of, decision_set
from outbox.composer import mail_compose, mail_compose_queue
from outbox.models import Mail, MailStatus
from outbox.recipients import recipient_set
from outbox.rendering import check_placeholders
from outbox.services import mail_batch_release
from reviews.models import Review
from reviews.selectors import papers_reviews
from submissions.models import Submission, SubmissionState
from submissions.states import Viewer, decision_is_shown, status_for
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, write_review

pytestmark = pytest.mark.django_db

SETS = ("decisions.accepted_authors", "decisions.rejected_authors", "decisions.decided_authors")
LETTER = {
    "subject": "{{ decision.name }} for #{{ paper.number }}",
    "body": "{{ decision.outcome }}|{{ decision.outcome_label }}|{{ reviews.count }}\n"
    "{{ reviews.text }}\n==META==\n{{ meta_review.text }}\n==CR== {{ camera_ready.deadline }}\n"
    "{% for review in reviews.list %}[{{ review.label }}]{% endfor %}",
}
PC_SECRET = "Between us: the authors are probably the Quixotewright group."
META_SECRET = "Chairs only: borderline, ask the area chair."


def category(edition: Edition, name: str) -> DecisionCategory:
    return next(c for c in categories_of(edition) if c.name == name)


def compose(edition: Edition, chair: Any, key: str, **kwargs: Any) -> Any:
    return mail_compose(
        edition=edition, recipient_set_key=key, by=chair, essential=True, limit=None, **LETTER, **kwargs
    )


@pytest.fixture
def decided(edition: Edition, chair: Any, pc_systems: Any, decided_papers: list) -> list[Submission]:
    """#1 and #2 accepted (oral, poster), #3 rejected, all pending; #2 has a PC-only comment and
    a meta-review."""
    paper = decided_papers[1]
    review = Review.objects.get(submission=paper, reviewer=pc_systems)
    Review.objects.filter(pk=review.pk).update(answers={**review.answers, "pc_comments": PC_SECRET})
    meta = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="meta@example.org").user
    assign(paper, meta, AssignmentKind.META_REVIEW)
    write_review(paper, meta, pc_comments=META_SECRET)
    decision_set(by=chair, submission=decided_papers[0], category=category(edition, "Accept (oral)"))
    decision_set(by=chair, submission=paper, category=category(edition, "Accept (poster)"))
    decision_set(by=chair, submission=decided_papers[2], category=category(edition, "Reject"))
    return decided_papers


def test_the_decision_sets_are_registered_with_their_placeholders() -> None:
    for key in SETS:
        found = recipient_set(key)
        assert found is not None
        assert {"decision.name", "reviews.text", "meta_review.text", "camera_ready.deadline"} <= set(found.placeholders)


def test_one_set_per_outcome_pending_decisions_included(edition: Edition, chair: Any, decided: list) -> None:
    assert all(not decision_is_shown(p) for p in Submission.objects.filter(pk__in=[p.pk for p in decided]))
    accepted = compose(edition, chair, "decisions.accepted_authors")
    assert [(m.recipient.paper_id, m.subject) for m in accepted.mails] == [
        (decided[0].pk, "Accept (oral) for #1"),
        (decided[1].pk, "Accept (poster) for #2"),
    ]
    rejected = compose(edition, chair, "decisions.rejected_authors")
    assert [(m.recipient.email, m.subject) for m in rejected.mails] == [("a3@example.org", "Reject for #3")]
    assert rejected.mails[0].body.startswith("reject|Reject|2\n")
    everyone = compose(edition, chair, "decisions.decided_authors")
    assert [m.recipient.paper_id for m in everyone.mails] == [p.pk for p in decided]


def test_the_context_has_only_what_authors_may_read(
    edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, decided: list
) -> None:
    mail = compose(edition, chair, "decisions.accepted_authors").mails[1]
    body = mail.body
    assert body.startswith("accept|Accept|2\n")
    assert "Reviewer A\n" in body
    assert "Reviewer B\n" in body
    assert body.endswith("[Reviewer A][Reviewer B]")
    assert "Summary of the paper:" in body
    assert "Overall merit:" in body
    assert "Strengths:\nClear writing; strong baselines." in body
    for hidden in (PC_SECRET, META_SECRET, "Comments for the PC only", "Reviewer expertise", "Recommendation"):
        assert hidden not in body
    for person in (pc_systems, pc_ml):
        assert person.display_name not in body
        assert person.email not in body
    assert "(Systems)" not in body
    assert "(ML)" not in body
    meta = body.split("==META==\n")[1].split("\n==CR==")[0]
    assert meta.startswith("The reviewers agree the kernel is useful")  # its one field for authors
    assert "Does the paper bridge Systems and ML?\nYes" in body
    # The context holds plain values only.
    context = mail.recipient.context
    assert context["decision"] == {"name": "Accept (poster)", "outcome": "accept", "outcome_label": "Accept"}
    assert [review["label"] for review in context["reviews"]["list"]] == ["Reviewer A", "Reviewer B"]


def test_a_chair_conflicted_with_a_paper_does_not_mail_about_it(
    edition: Edition, conflicted_chair: Any, decided: list
) -> None:
    mails = compose(edition, conflicted_chair, "decisions.accepted_authors").mails
    assert [m.recipient.paper_id for m in mails] == [decided[1].pk]


def test_no_mail_leaves_before_the_batch_is_released(
    edition: Edition, chair: Any, decided: list, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch = mail_compose_queue(
            edition=edition, recipient_set_key="decisions.accepted_authors", by=chair, essential=True, **LETTER
        )
    assert list(batch.mails.values_list("status", flat=True)) == [MailStatus.HELD] * 2
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_batch_release(batch=batch, by=chair) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a2@example.org", "author@example.org"]
    assert Mail.objects.filter(batch=batch, status=MailStatus.SENT).count() == 2


def test_the_letters_to_start_from_use_only_offered_placeholders(
    client: Any, edition: Edition, chair: Any, decided: list
) -> None:
    for key in SETS:
        found = recipient_set(key)
        assert found is not None
        assert found.starting_texts
        for text in found.starting_texts:
            check_placeholders(text.subject, text.body, found.placeholders, found.label)
    accepted = recipient_set("decisions.accepted_authors")
    assert accepted is not None
    letter = accepted.starting_text("accept")
    assert letter is not None
    mail = mail_compose(
        edition=edition,
        recipient_set_key=accepted.key,
        by=chair,
        essential=True,
        subject=letter.subject,
        body=letter.body,
    ).mails[0]
    assert "has been accepted to MLSys 2027: Accept (oral)" in mail.body
    assert "Reviewer A" in mail.body

    client.force_login(chair)
    url = reverse("outbox:compose", kwargs={"edition_slug": edition.slug})
    page = client.get(url, {"recipients": accepted.key, "start": "accept"}).content.decode()
    assert "We are pleased to tell you" in page  # the form starts from the letter
    assert "start=accept" in client.get(url).content.decode()  # offered on the page
    assert "We are pleased to tell you" not in client.get(url).content.decode()


# --- Decisions shown from the second their release is due ------------------------------------


def test_authors_see_the_decision_at_the_scheduled_second_without_the_job(
    client: Any, edition: Edition, chair: Any, author: Any, decided: list
) -> None:
    at = timezone.now() + timedelta(hours=1)
    release_schedule(by=chair, edition=edition, kind=ReleaseKind.DECISIONS, at=at)
    paper = Submission.objects.get(pk=decided[0].pk)
    assert not decision_is_shown(paper, at - timedelta(microseconds=1))
    assert decision_is_shown(paper, at)
    assert not is_released(edition, ReleaseKind.DECISIONS)
    assert status_for(paper, Viewer.AUTHOR).code == "submitted"

    client.force_login(author)
    url = reverse("submissions:detail", kwargs={"edition_slug": edition.slug, "number": 1})
    assert "accepted" not in client.get(url).content.decode().lower()

    # The scheduled second passes; the job has not run (nothing is stamped).
    Release.objects.filter(edition=edition, kind=ReleaseKind.DECISIONS).update(scheduled_at=timezone.now())
    assert is_released(edition, ReleaseKind.DECISIONS)
    paper = Submission.objects.select_related("edition").get(pk=decided[0].pk)
    assert paper.decision_released_at is None
    assert shows_released(paper.edition, ReleaseKind.DECISIONS)
    assert status_for(paper, Viewer.AUTHOR).code == "accepted"
    assert status_for(paper, Viewer.CHAIR).label == "accepted"  # no longer "(not released)"
    assert "accepted" in client.get(url).content.decode().lower()


def test_the_dashboard_shows_decisions_released_at_the_scheduled_second(
    edition: Edition, chair: Any, decided: list
) -> None:
    from decisions.dashboard import paper_rows

    assert all(row.is_pending for row in paper_rows(chair, edition))
    release_schedule(by=chair, edition=edition, kind=ReleaseKind.DECISIONS, at=timezone.now() + timedelta(hours=1))
    Release.objects.filter(edition=edition, kind=ReleaseKind.DECISIONS).update(scheduled_at=timezone.now())
    assert not any(row.is_pending for row in paper_rows(chair, Edition.objects.get(pk=edition.pk)))


# --- Only the answers a page needs ------------------------------------------------------------


def test_answer_keys_load_the_same_scores_in_as_many_queries(edition: Edition, decided: list) -> None:
    papers = list(Submission.objects.filter(edition=edition).select_related("edition"))
    with CaptureQueriesContext(connection) as full_queries:
        full = papers_reviews(papers)
    with CaptureQueriesContext(connection) as some_queries:
        some = papers_reviews(papers, answer_keys=("merit", "recommendation", "nothing_here"))
    assert len(some_queries) == len(full_queries)
    for pk, facts in full.items():
        assert [r.pk for r in some[pk].reviews] == [r.pk for r in facts.reviews]
        for review, slim in zip(facts.reviews, some[pk].reviews, strict=True):
            expected = {k: review.answers[k] for k in ("merit", "recommendation") if k in review.answers}
            assert slim.answers == expected
            assert slim.answers.get("merit") == review.answers.get("merit")
    assert any(isinstance(r.answers.get("merit"), int) for f in some.values() for r in f.reviews)
    assert "answers" not in str(some_queries.captured_queries[0]["sql"]).split("FROM")[0].replace(
        '"reviews_review"."answers" ->', ""
    )


def test_the_decision_sets_cost_the_same_queries_for_more_papers(
    edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, decided: list
) -> None:
    def queries() -> int:
        fresh = Edition.objects.get(pk=edition.pk)
        with CaptureQueriesContext(connection) as captured:
            recipient_set("decisions.decided_authors").recipients(fresh, chair)  # type: ignore[union-attr]
        return len(captured)

    before = queries()
    from tests.factories.submissions import AuthorFactory, SubmissionFactory

    for number in (4, 5, 6):
        paper: Any = SubmissionFactory(edition=edition, number=number, state=SubmissionState.SUBMITTED)
        AuthorFactory(submission=paper, position=1, name=f"Author {number}", email=f"a{number}@example.org")
        for reviewer in (pc_systems, pc_ml):
            assign(paper, reviewer)
            write_review(paper, reviewer, merit=3)
        decision_set(by=chair, submission=paper, category=category(edition, "Reject"))
    assert queries() == before


def test_a_page_of_many_papers_reads_the_releases_once(edition: Edition, chair: Any, decided: list) -> None:
    from conferences.access import access_scope

    papers = list(Submission.objects.filter(edition=edition).select_related("edition"))  # an edition object each
    with access_scope(), CaptureQueriesContext(connection) as captured:
        statuses = [status_for(paper, Viewer.CHAIR).label for paper in papers]
    assert statuses == ["accepted (not released)", "accepted (not released)", "rejected (not released)"]
    assert len(captured) == 1
