"""One paper in review, seen by every kind of person: the world and the expected answers of the
visibility tables (the policy test and the HTTP tests read the same table).

Paper #7 has three assigned reviewers: Systems reviewer ``R1`` and ML reviewer ``R3`` have
submitted, ``R2`` has not; ``M`` meta-reviews it (submitted). Comments at each audience level, a
submitted response, and a draft response (per review) exist. Reviews are released to authors
unless a test says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from assignments.models import AssignmentKind
from conferences.models import Area, Edition, Release, ReleaseKind
from conferences.roles import RoleKind
from reviews.models import AuthorResponse, Comment, CommentAudience, ResponseState, Review
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

# The objects a viewer may or may not see, in the order of each row of EXPECTED.
OBJECTS = (
    "review",  # R1's review, its author-visible fields (e.g. "strengths")
    "pc_field",  # R1's PC-only field ("pc_comments")
    "identity",  # that R1 wrote it
    "scores",  # the paper's scores, counts and averages
    "comment_chairs",
    "comment_reviewers",
    "comment_pc",
    "comment_authors",
    "response",  # the submitted response
    "response_draft",  # a draft response
    "meta_review",  # the meta-review's author-visible fields
    "meta_pc_field",  # its PC-only recommendation
)

Y, N = True, False
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                        rev pcf  id scr  cCh cRv cPC cAu resp draft meta mPC
    "author": (Y, N, N, Y, N, N, N, Y, Y, Y, Y, N),
    "co_author": (Y, N, N, Y, N, N, N, Y, Y, Y, Y, N),
    "reviewer_before": (N, N, N, N, N, N, N, N, N, N, N, N),
    "reviewer_after": (Y, Y, Y, Y, N, Y, Y, Y, Y, N, Y, Y),
    "unassigned_pc": (N, N, N, N, N, N, N, N, N, N, N, N),
    "conflicted_pc": (N, N, N, N, N, N, N, N, N, N, N, N),
    "meta_reviewer": (Y, Y, Y, Y, N, Y, Y, Y, Y, N, Y, Y),
    "chair": (Y, Y, Y, Y, Y, Y, Y, Y, Y, N, Y, Y),
    "conflicted_chair": (N, N, N, N, N, N, N, N, N, N, N, N),
    "anonymous": (N, N, N, N, N, N, N, N, N, N, N, N),
}
# Before the chairs release reviews, authors see only their own response, drafts included.
EXPECTED_AUTHOR_UNRELEASED = (N, N, N, N, N, N, N, N, Y, Y, N, N)

SECRET = {
    "strengths": "STRENGTHS-OF-R1",
    "pc_comments": "PC-ONLY-OF-R1",
    "comment_chairs": "COMMENT-FOR-CHAIRS",
    "comment_reviewers": "COMMENT-FOR-REVIEWERS",
    "comment_pc": "COMMENT-FOR-PC",
    "comment_authors": "COMMENT-FOR-AUTHORS",
    "response": "RESPONSE-SUBMITTED",
    "response_draft": "RESPONSE-DRAFT",
    "meta": "META-FOR-AUTHORS-" + "x " * 20,
}


@dataclass
class World:
    edition: Edition
    paper: Submission
    people: dict[str, Any]
    r1_review: Review
    meta_review: Review
    comments: dict[str, Comment]
    response: AuthorResponse
    response_draft: AuthorResponse

    def release_reviews(self, released: bool = True) -> None:
        if released:
            Release.objects.update_or_create(
                edition=self.edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS, defaults={"released_at": timezone.now()}
            )
        else:
            Release.objects.filter(edition=self.edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS).delete()


def _pc(edition: Edition, name: str, area: str = Area.SYSTEMS, kind: str = RoleKind.PC_MEMBER) -> Any:
    return RoleFactory(
        edition=edition, kind=kind, area=area, user__email=f"{name}@pc.example.org", user__last_name=name.upper()
    ).user


def build_world(edition: Edition) -> World:
    open_reviewing(edition)
    author = UserFactory(email="author@authors.example.org", last_name="AUTHORNAME")
    co_author = UserFactory(email="co@authors.example.org", last_name="COAUTHORNAME")
    paper = SubmissionFactory(edition=edition, number=7, title="Joint Review Paper")
    AuthorFactory(submission=paper, position=1, name="Ada AUTHORNAME", email=author.email, user=author)
    AuthorFactory(submission=paper, position=2, name="Co COAUTHORNAME", email=co_author.email, user=co_author)
    people: dict[str, Any] = {
        "author": author,
        "co_author": co_author,
        "reviewer_after_systems": _pc(edition, "rone"),
        "reviewer_before": _pc(edition, "rtwo", Area.ML),
        "reviewer_after": _pc(edition, "rthree", Area.ML),
        "unassigned_pc": _pc(edition, "unassigned"),
        "conflicted_pc": _pc(edition, "conflicted", Area.ML),
        "meta_reviewer": _pc(edition, "meta", kind=RoleKind.AREA_CHAIR),
        "chair": _pc(edition, "chair", area="", kind=RoleKind.PC_CHAIR),
        "conflicted_chair": _pc(edition, "conflictedchair", area="", kind=RoleKind.PC_CHAIR),
    }
    for name in ("conflicted_pc", "conflicted_chair"):
        Conflict.objects.create(
            submission=paper, user=people[name], reason=ConflictReason.COLLABORATOR, source=ConflictSource.AUTHOR
        )
    for name in ("reviewer_after_systems", "reviewer_before", "reviewer_after"):
        assign(paper, people[name])
    assign(paper, people["meta_reviewer"], AssignmentKind.META_REVIEW)
    r1 = write_review(
        paper, people["reviewer_after_systems"], strengths=SECRET["strengths"], pc_comments=SECRET["pc_comments"]
    )
    write_review(paper, people["reviewer_after"])
    write_review(paper, people["reviewer_before"], submit=False)
    meta = write_review(paper, people["meta_reviewer"], summary=SECRET["meta"])
    comments = {
        "comment_chairs": _comment(paper, people["chair"], CommentAudience.CHAIRS),
        "comment_reviewers": _comment(paper, people["reviewer_after_systems"], CommentAudience.REVIEWERS),
        "comment_pc": _comment(paper, people["reviewer_after_systems"], CommentAudience.PC),
        "comment_authors": _comment(paper, people["reviewer_after_systems"], CommentAudience.AUTHORS),
    }
    response = AuthorResponse.objects.create(
        submission=paper, body=SECRET["response"], state=ResponseState.SUBMITTED, submitted_at=timezone.now()
    )
    draft = AuthorResponse.objects.create(
        submission=paper,
        review=Review.objects.get(submission=paper, reviewer=people["reviewer_after"]),
        body=SECRET["response_draft"],
        state=ResponseState.DRAFT,
    )
    world = World(edition, paper, people, r1, meta, comments, response, draft)
    world.release_reviews()
    return world


def _comment(paper: Submission, author: Any, audience: str) -> Comment:
    return Comment.objects.create(
        submission=paper, author=author, audience=audience, body=SECRET[f"comment_{audience}"]
    )
