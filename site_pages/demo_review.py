"""The demo's review phase (``manage.py seed_demo --phase review``): a second edition, "MLSys 2027
(review phase)", whose reviewing closes in a few days, with committed assignments, reviews
submitted and in draft, a discussion under way, reviews released to the authors and an author
response. Everything is written through the services, as the people would write it, so the
answers are valid. Idempotent like the rest of the demo.

The demo PC member (pc-sys-02) has a submitted review, a draft and a paper not started yet; the
demo author has a response to write or read; the chair sees the progress and who is late."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from committees.services import role_grant
from conferences.models import Area, Deadline, Edition, Phase, ReleaseKind
from conferences.releases import release_now
from conferences.roles import RoleKind
from conferences.selectors import is_released
from reviews import discussion, responses, services
from reviews.models import AuthorResponse, Comment, CommentAudience, FormKind, Review
from site_pages.demo_editions import demo_edition
from submissions.models import Conflict, Submission
from submissions.services import AuthorInput, paper_upload, submission_register

REVIEW_SLUG = "mlsys2027-review"
REVIEW_NAME = "MLSys 2027 (review phase)"
PAPERS = 8  # enough to show progress, few enough to seed quickly

# Days from now. Reviewing closes soon; the author response is already open (the chairs released
# the reviews early), the discussion runs alongside.
TIMELINE = {
    Phase.ABSTRACT_REGISTRATION: -45,
    Phase.PAPER_SUBMISSION: -38,
    Phase.SUPPLEMENTARY_MATERIAL: -32,
    Phase.BIDDING: -20,
    Phase.REVIEWING: 3,
    Phase.AUTHOR_RESPONSE: 10,
    Phase.DISCUSSION: 20,
    Phase.NOTIFICATION: 28,
    Phase.CAMERA_READY: 55,
}
OPENS_EARLY = {Phase.AUTHOR_RESPONSE: -1, Phase.DISCUSSION: -15}

STRENGTHS = [
    "A clear systems contribution with a careful ablation of each component.",
    "The evaluation covers three hardware generations and strong baselines.",
    "The idea is simple, well motivated and likely to be adopted.",
]
WEAKNESSES = [
    "The ML side of the evaluation uses one model family only.",
    "The overheads at small batch sizes are not discussed.",
    "The comparison with the closest prior work is missing.",
]
COMMENTS = [
    "I am between weak accept and accept; the missing comparison is my main concern. "
    "Could the other reviewers say whether they consider it essential?",
    "I agree the comparison matters. The response may settle it; let us wait for it.",
    "The math checks out: the bound $O(n \\log n)$ on the scheduling cost holds under their assumptions.",
]


def _moment(days: int) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=11, minute=59, second=59, microsecond=0)


def _answers(paper: Submission, reviewer: User, rng: random.Random) -> dict[str, Any]:
    return {
        "summary": f"The paper {paper.title} proposes a method at the intersection of systems and machine "
        "learning, and evaluates it on realistic workloads against the usual baselines with some care.",
        "strengths": rng.choice(STRENGTHS),
        "weaknesses": rng.choice(WEAKNESSES),
        "questions": "How does the method behave when the workload changes during a run?",
        "merit": rng.randint(2, 6),
        "expertise": rng.randint(2, 4),
        "confidence": rng.randint(2, 4),
        "bridge": rng.choice(["yes", "partly", "no"]),
        "reproducibility": rng.randint(2, 4),
        "pc_comments": f"{reviewer.first_name}: happy to discuss.",
    }


def _meta_answers(paper: Submission) -> dict[str, Any]:
    return {
        "summary": f"The reviewers of {paper.title} agree the contribution is useful and the evaluation sound; "
        "the discussion settled the question of baselines and the response answered the remaining doubts.",
        "recommendation": "accept_poster",
        "confidence": 3,
    }


def _set_timeline(edition: Edition) -> None:
    for phase, days in TIMELINE.items():
        opens = OPENS_EARLY.get(phase)
        Deadline.objects.update_or_create(
            edition=edition,
            phase=phase,
            defaults={"closes_at": _moment(days), "opens_at": _moment(opens) if opens is not None else None},
        )


def _register_papers(
    report: Any, edition: Edition, records: list[dict], authors: list[User], rng: random.Random
) -> None:
    """Register the papers while submission is (briefly) open, as their authors would."""
    for phase, days in ((Phase.ABSTRACT_REGISTRATION, 1), (Phase.PAPER_SUBMISSION, 2)):
        Deadline.objects.update_or_create(edition=edition, phase=phase, defaults={"closes_at": _moment(days)})
    from site_pages.demo import make_paper_pdf

    for index, record in enumerate(records):
        team = [authors[0], *rng.sample(authors[1:], k=rng.randint(0, 2))] if index == 0 else rng.sample(authors, k=2)
        submission = submission_register(
            edition=edition,
            title=record["title"],
            abstract=record["abstract"],
            topic=record["area"],
            keywords=record["keywords"],
            by=team[0],
            authors=[AuthorInput(a.display_name, a.email, a.affiliation, is_contact=(a == team[0])) for a in team],
        )
        if index < 2:  # a PDF to download on the first papers; the others are abstracts for speed
            pdf = make_paper_pdf(record["title"], record["abstract"], pages_of_text=2)
            paper_upload(submission=submission, content=pdf, filename="paper.pdf", by=team[0])
        report.created.append(f"submission {REVIEW_SLUG} #{submission.number}")


def _assign(report: Any, paper: Submission, user: User, kind: AssignmentKind, chair: User) -> bool:
    if Conflict.objects.filter(submission=paper, user=user).exists():
        return False
    _, created = Assignment.objects.get_or_create(
        submission=paper,
        user=user,
        kind=kind,
        defaults={
            "source": AssignmentSource.MANUAL,
            "is_committed": True,
            "committed_at": timezone.now(),
            "created_by": chair,
        },
    )
    if created:
        report.created.append(f"assignment #{paper.number} {user.email} {kind}")
    return True


def _review(report: Any, paper: Submission, user: User, *, submit: bool, rng: random.Random) -> None:
    review = Review.objects.filter(submission=paper, reviewer=user).first()
    if review is not None:
        return
    meta = Assignment.objects.filter(submission=paper, user=user, kind=AssignmentKind.META_REVIEW).exists()
    review = services.review_open(by=user, submission=paper, form=FormKind.META if meta else FormKind.REVIEW)
    answers = _meta_answers(paper) if meta else _answers(paper, user, rng)
    if not submit:
        answers = {"summary": answers["summary"], "strengths": answers["strengths"]}
    services.review_save(by=user, review=review, answers=answers, submit=submit)
    report.created.append(f"review #{paper.number} {user.email} ({'submitted' if submit else 'draft'})")


def seed_review_phase(
    report: Any, *, chair: User, members: dict[str, list[User]], authors: list[User], records: list[dict]
) -> Edition:
    """The review-phase edition. ``members`` holds the main edition's PC by area (the first of each
    is its area chair), ``authors`` the demo authors (the first is the demo author)."""
    rng = random.Random(2026)  # noqa: S311 - a reproducible demo
    edition = demo_edition(
        report,
        chair,
        slug=REVIEW_SLUG,
        name=REVIEW_NAME,
        tagline="The demo edition in its review phase",
        starts_in_days=90,
    )
    role_grant(edition=edition, user=chair, kind=RoleKind.PC_CHAIR, by=chair)
    for area, people in members.items():
        for i, member in enumerate(people):
            kind = RoleKind.AREA_CHAIR if i == 0 else RoleKind.PC_MEMBER
            role_grant(edition=edition, user=member, kind=kind, area=area, by=chair)
    if not Submission.objects.filter(edition=edition).exists():
        _register_papers(report, edition, records[:PAPERS], authors, rng)
    _set_timeline(edition)

    papers = list(Submission.objects.filter(edition=edition).order_by("number"))
    demo_member = members[Area.SYSTEMS][1]  # pc-sys-02, the demo PC member
    systems, ml = members[Area.SYSTEMS][2:], members[Area.ML][1:]
    demo_papers: list[Submission] = []
    meta_written = False
    for index, paper in enumerate(papers):
        reviewers: list[User] = []
        if len(demo_papers) < 3 and _assign(report, paper, demo_member, AssignmentKind.REVIEW, chair):
            demo_papers.append(paper)
            reviewers.append(demo_member)
        for pool in (systems, ml, ml if index % 2 else systems):
            for offset in range(len(pool)):
                candidate = pool[(index + offset) % len(pool)]
                if candidate not in reviewers and _assign(report, paper, candidate, AssignmentKind.REVIEW, chair):
                    reviewers.append(candidate)
                    break
        area_chair = members[Area.SYSTEMS if paper.topic == "systems" else Area.ML][0]
        meta = _assign(report, paper, area_chair, AssignmentKind.META_REVIEW, chair)

        # Most reviews are in; some are drafts, one or two not started (the chair sees who is late).
        for position, reviewer in enumerate(reviewers):
            if reviewer == demo_member:
                continue
            state = (index + position) % 5
            if state < 3:
                _review(report, paper, reviewer, submit=True, rng=rng)
            elif state == 3:
                _review(report, paper, reviewer, submit=False, rng=rng)
        if meta and not meta_written:  # one meta-review in, on the first paper its area chair may handle
            _review(report, paper, area_chair, submit=True, rng=rng)
            meta_written = True
    # The demo PC member: one review submitted, one draft, one still to start.
    if demo_papers:
        _review(report, demo_papers[0], demo_member, submit=True, rng=rng)
    if len(demo_papers) > 1:
        _review(report, demo_papers[1], demo_member, submit=False, rng=rng)

    if not is_released(edition, ReleaseKind.REVIEWS_TO_AUTHORS):
        release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
        report.created.append(f"release {REVIEW_SLUG} reviews to authors")
    if demo_papers:
        _discuss(report, demo_papers[0])
    _respond(report, papers[0] if papers else None, authors[0])
    return edition


def _discuss(report: Any, paper: Submission) -> None:
    """A short thread among the paper's reviewers who submitted (they may read the discussion)."""
    if Comment.objects.filter(submission=paper).exists():
        return
    writers = list(
        Review.objects.filter(submission=paper, state="submitted", kind__in=["primary", "secondary"])
        .select_related("reviewer")
        .order_by("pk")
    )
    for position, body in enumerate(COMMENTS):
        if not writers:
            break
        author = writers[position % len(writers)].reviewer
        discussion.comment_post(by=author, submission=paper, body=body, audience=CommentAudience.REVIEWERS)
        report.created.append(f"comment on #{paper.number}")


def _respond(report: Any, paper: Submission | None, author: User) -> None:
    if paper is None or AuthorResponse.objects.filter(submission=paper).exists():
        return
    responses.response_save(
        by=author,
        submission=paper,
        body="We thank the reviewers for their careful reading. On the missing comparison: we ran it after "
        "submission, and our method is 1.4x faster at equal accuracy; we will add the table to the paper. "
        "On small batch sizes: the overhead is below 3% at batch size 1, as the new appendix shows.",
        submit=True,
    )
    report.created.append(f"author response on #{paper.number}")
