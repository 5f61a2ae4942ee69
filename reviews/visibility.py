"""Who sees what of a paper's reviews, discussion and response: every such question, in one place.

Pages, the API, e-mails, exports and counts all ask these functions (HotCRP's
``can_view_review`` / ``can_view_review_identity``); none of them checks a role itself.
Each function takes the viewer's :class:`conferences.access.Access` and a :class:`PaperReviews`,
the facts about one paper loaded once (:func:`reviews.selectors.paper_reviews`), so a list of
papers costs a fixed number of queries.

The rules, in order:

1. **Conflicts first.** Whoever is conflicted with a paper (a chair too, and a PC member whose
   conflict is hidden from them) sees nothing of its reviews, scores, identities, discussion or
   response, except an author, who sees what authors see.
2. **Authors** see submitted reviews and meta-reviews only after the chairs release reviews to
   authors, and then only the fields meant for authors; never a reviewer's name, never a draft;
   the discussion's comments addressed to authors; their own response, drafts included.
3. **Chairs** handling the paper (not conflicted) see every submitted review and every name.
4. **Meta-reviewers** see every submitted review before writing theirs, and the names.
5. **Assigned reviewers** see the other submitted reviews as the edition's setting says (after
   their own is submitted, by default), and the names as the other setting says.
6. **Other PC members** see a paper's reviews only when the setting says "always".
7. A **draft** is its writer's alone; so is the draft of a response (its authors').
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from assignments.models import AssignmentKind
from conferences.access import Access
from conferences.roles import RoleKind
from reviews.models import (
    AuthorResponse,
    Comment,
    CommentAudience,
    PCSeesNames,
    PCSeesReviews,
    Review,
    ReviewField,
    ReviewSettings,
)
from submissions.models import Submission


@dataclass(frozen=True)
class PaperReviews:
    """The facts about one paper that the rules need, loaded once: its reviews (drafts too),
    who is committed to review it (user id to area, in assignment order) and to meta-review it,
    the edition's settings, and whether reviews are released to its authors."""

    submission: Submission
    reviews: list[Review]
    reviewers: dict[int, str]  # committed review assignees, user id -> area, in assignment order
    meta_reviewers: frozenset[int]
    settings: ReviewSettings
    released_to_authors: bool
    labels: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        letters = iter(_letters())
        order = list(self.reviewers)
        order += [review.reviewer_id for review in self.reviews if review.reviewer_id not in self.reviewers]
        for user_id in dict.fromkeys(order):
            if user_id in self.meta_reviewers and user_id not in self.reviewers:
                continue
            area = self.reviewers.get(user_id) or _area_of(self.reviews, user_id)
            suffix = f" ({_AREA_WORDS.get(area, area)})" if area else ""
            self.labels[user_id] = f"Reviewer {next(letters)}{suffix}"

    @property
    def submitted(self) -> list[Review]:
        return [review for review in self.reviews if review.is_submitted]

    @property
    def all_in(self) -> bool:
        """Every committed reviewer has submitted a review (meta-reviews aside)."""
        done = {review.reviewer_id for review in self.submitted if not review.is_meta}
        return bool(self.reviewers) and set(self.reviewers) <= done

    def label(self, user_id: int) -> str:
        """How a reviewer is known to those who may not see names: "Reviewer A (Systems)"."""
        if user_id in self.labels:
            return self.labels[user_id]
        return "Meta-reviewer" if user_id in self.meta_reviewers else "A reviewer"


_AREA_WORDS = {"systems": "Systems", "ml": "ML"}


@cache
def _letters() -> tuple[str, ...]:
    """A, B, ..., Z, AA, AB, ...: made once (a page of 5,000 papers asks for them per paper)."""
    single = list(string.ascii_uppercase)
    return tuple(single + [a + b for a in single for b in single])


def _area_of(reviews: list[Review], user_id: int) -> str:
    return next((review.area for review in reviews if review.reviewer_id == user_id and review.area), "")


def _is_reviewer(access: Access, paper: PaperReviews) -> bool:
    submission = paper.submission
    return access.is_assigned(submission, AssignmentKind.REVIEW) or access.pk in paper.reviewers


def _is_meta_reviewer(access: Access, paper: PaperReviews) -> bool:
    return access.is_assigned(paper.submission, AssignmentKind.META_REVIEW) or access.pk in paper.meta_reviewers


def is_author_view(access: Access, paper: PaperReviews) -> bool:
    """The viewer sees the paper as its author does (an author who chairs is conflicted)."""
    return access.is_author(paper.submission)


def sees_reviews(access: Access, paper: PaperReviews) -> bool:
    """Whether the viewer sees the paper's submitted reviews (and so its scores, counts and
    averages, and its PC discussion): rules 1-6."""
    submission = paper.submission
    if not access.is_authenticated:
        return False
    if access.is_author(submission):
        return paper.released_to_authors
    if access.is_conflicted(submission):
        return False
    if access.manages(submission) or _is_meta_reviewer(access, paper):
        return True
    rule = paper.settings.pc_sees_reviews
    if _is_reviewer(access, paper):
        if rule == PCSeesReviews.ALWAYS:
            return True
        if rule == PCSeesReviews.AFTER_OWN:
            return access.has_reviewed(submission)
        if rule == PCSeesReviews.AFTER_ALL:
            return access.has_reviewed(submission) and paper.all_in
        return False
    return rule == PCSeesReviews.ALWAYS and access.has_role(*RoleKind.where("on_pc"))


def can_view_review(access: Access, paper: PaperReviews, review: Review) -> bool:
    """The review itself (the fields :func:`visible_fields` allows)."""
    if access.pk == review.reviewer_id and not access.is_author(paper.submission):
        return True
    return review.is_submitted and sees_reviews(access, paper)


def visible_fields(access: Access, paper: PaperReviews, fields: list[ReviewField]) -> list[ReviewField]:
    """The fields of a review the viewer may read: authors only those meant for them."""
    if is_author_view(access, paper):
        return [field for field in fields if field.is_for_authors]
    return list(fields)


def can_view_reviewer_name(access: Access, paper: PaperReviews, review: Review) -> bool:
    """Who wrote the review. Authors never learn it."""
    if is_author_view(access, paper) or not can_view_review(access, paper, review):
        return False
    if access.pk == review.reviewer_id or access.manages(paper.submission) or _is_meta_reviewer(access, paper):
        return True
    rule = paper.settings.pc_sees_names
    if rule == PCSeesNames.ALWAYS:
        return True
    return rule == PCSeesNames.AFTER_OWN and access.has_reviewed(paper.submission)


def reviewer_shown_as(access: Access, paper: PaperReviews, review: Review) -> str:
    """The reviewer's name where the viewer may see it, their label otherwise."""
    label = paper.label(review.reviewer_id)
    if can_view_reviewer_name(access, paper, review):
        return f"{review.reviewer.display_name} ({label})"
    return label


def can_view_comment(access: Access, paper: PaperReviews, comment: Comment) -> bool:
    submission = paper.submission
    if access.is_author(submission):
        return comment.audience == CommentAudience.AUTHORS and (comment.by_authors or paper.released_to_authors)
    if access.is_conflicted(submission) or not access.is_authenticated:
        return False
    if access.pk == comment.author_id:
        return True
    if comment.audience == CommentAudience.CHAIRS:
        return access.manages(submission)
    if comment.audience == CommentAudience.REVIEWERS:
        involved = access.manages(submission) or _is_reviewer(access, paper) or _is_meta_reviewer(access, paper)
        return involved and sees_reviews(access, paper)
    return sees_reviews(access, paper)


def comment_author_shown_as(access: Access, paper: PaperReviews, comment: Comment) -> str:
    """Authors' comments are signed "Authors" (to everyone); a PC member's with their name where
    the viewer may know who reviewed, else with their label."""
    if comment.by_authors:
        return "Authors"
    if is_author_view(access, paper):
        return _label_for_authors(paper, comment.author_id)
    if access.pk == comment.author_id or access.manages(paper.submission):
        return comment.author.display_name
    review = next((r for r in paper.reviews if r.reviewer_id == comment.author_id), None)
    if review is not None and can_view_reviewer_name(access, paper, review):
        return comment.author.display_name
    if comment.author_id in paper.labels or comment.author_id in paper.meta_reviewers:
        return paper.label(comment.author_id)
    return "A PC member"


def _label_for_authors(paper: PaperReviews, user_id: int) -> str:
    if user_id in paper.labels:
        return paper.label(user_id).split(" (")[0]  # authors are not told the reviewer's area
    return "Meta-reviewer" if user_id in paper.meta_reviewers else "Program committee"


def review_shown_to_authors_as(paper: PaperReviews, review: Review) -> str:
    return "Meta-review" if review.is_meta else _label_for_authors(paper, review.reviewer_id)


def can_view_response(access: Access, paper: PaperReviews, response: AuthorResponse) -> bool:
    if access.is_author(paper.submission):
        return True
    return response.is_submitted and sees_reviews(access, paper)


def what_the_viewer_sees(access: Access, paper: PaperReviews) -> dict[str, Any]:
    """The reviews, comments' filter and flags of one paper for one viewer, for pages and API."""
    return {
        "reviews": [review for review in paper.reviews if can_view_review(access, paper, review)],
        "sees_reviews": sees_reviews(access, paper),
        "author_view": is_author_view(access, paper),
    }
