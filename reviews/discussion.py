"""A paper's discussion: comments (with their edit history), who follows a paper, how each
person hears of new comments, @mentions, and the daily digest.

Who may write and change comments is :mod:`reviews.policy` (``can_post_comment``,
``can_edit_comment``); who may read one, and how its writer is shown, is
:mod:`reviews.visibility` (``can_view_comment``, ``comment_author_shown_as``), for pages, the
API and every e-mail alike: a mail about a comment goes only to people who may read it, and
names its writer as that recipient may know them ("Reviewer A (Systems)").

A mention ("@Reviewer A", "@Ada Lovelace") is resolved here, against the people who may read
the comment: reviewers by label, and by name only where the writer may see their name; chairs
by name. The comment keeps the text as written; nobody learns whom a label stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import User
from actionlog.services import record_paper_action
from conferences.access import Access, access_for, access_of
from conferences.models import Edition, Role
from conferences.phases import DAY_FORMAT
from conferences.roles import RoleKind
from mlsys_conf.limits import COMMENT_MAX_CHARS
from mlsys_conf.policy import NOT_FOUND, require
from outbox.services import mail_queue_template
from reviews.markdown import render
from reviews.models import (
    Comment,
    CommentAudience,
    CommentVersion,
    NotificationPreference,
    NotifyMode,
    PaperFollow,
)
from reviews.policy import can_edit_comment, can_open_paper_for_review, can_post_comment, comment_audiences
from reviews.selectors import paper_reviews, papers_reviews
from reviews.visibility import (
    PaperReviews,
    can_view_comment,
    can_view_reviewer_name,
    comment_author_shown_as,
    sees_reviews,
)
from submissions.models import Submission

# --- Reading ---------------------------------------------------------------------------------


def reads_discussion(access: Access, paper: PaperReviews) -> bool:
    """Whether the person may open the paper's thread at all (seeing only what they may read)."""
    submission = paper.submission
    if access.is_author(submission):
        return True
    if access.is_conflicted(submission) or not access.is_authenticated:
        return False
    return bool(can_open_paper_for_review(access.user, submission)) or sees_reviews(access, paper)


def paper_for_discussion(user: Any, edition: Edition, number: int) -> tuple[Submission, PaperReviews]:
    """The paper of the URL and its facts, or the 404 of a missing one for anyone who may not
    open its discussion (its reviewers, the chairs handling it, the PC who see its reviews, and
    its authors)."""
    from django.http import Http404

    submission = get_object_or_404(Submission.objects.select_related("edition"), edition=edition, number=number)
    paper = paper_reviews(submission)
    if not reads_discussion(access_for(user, edition), paper):
        raise Http404(NOT_FOUND)
    return submission, paper


def comment_for(user: Any, edition: Edition, number: int, comment_id: int) -> tuple[Comment, PaperReviews]:
    """A comment the person may read, or the 404 of a missing one."""
    from django.http import Http404

    submission, paper = paper_for_discussion(user, edition, number)
    comment = Comment.objects.filter(submission=submission, pk=comment_id).select_related("author").first()
    if comment is None or not can_view_comment(access_for(user, edition), paper, comment):
        raise Http404(NOT_FOUND)
    comment.submission = submission
    return comment, paper


@dataclass(frozen=True)
class CommentItem:
    """One comment as one viewer sees it."""

    comment: Comment
    shown_as: str
    html: SafeString
    can_edit: bool
    earlier_versions: int
    audience_label: str

    @property
    def pk(self) -> int:
        return self.comment.pk


@dataclass(frozen=True)
class Thread:
    """A paper's discussion for one viewer: the comments they may read (oldest first), the
    audiences they may write to, whether they follow the paper, and their notification mode."""

    paper: PaperReviews
    comments: list[CommentItem]
    audiences: list[tuple[str, str]]
    follows: bool
    mode: str
    max_chars: int = COMMENT_MAX_CHARS

    @property
    def can_post(self) -> bool:
        return bool(self.audiences)


def _with_counts(comments: Any) -> Any:
    return comments.select_related("author").annotate(earlier=Count("versions"))


def items_for(access: Access, paper: PaperReviews, comments: Iterable[Comment]) -> list[CommentItem]:
    items = []
    for comment in comments:
        comment.submission = paper.submission
        if not can_view_comment(access, paper, comment):
            continue
        items.append(
            CommentItem(
                comment=comment,
                shown_as=comment_author_shown_as(access, paper, comment),
                html=render(comment.body),
                can_edit=access.pk == comment.author_id and bool(can_edit_comment(access, comment)),
                earlier_versions=getattr(comment, "earlier", 0),
                audience_label=CommentAudience(comment.audience).label,
            )
        )
    return items


def thread_for(access: Access, paper: PaperReviews) -> Thread:
    """The thread of the paper as ``access`` sees it, in a fixed number of queries."""
    access = access_of(access, paper.submission.edition)
    comments = _with_counts(Comment.objects.filter(submission=paper.submission)).order_by("created_at", "pk")
    audiences = [(str(a), CommentAudience(a).label) for a in comment_audiences(access, paper)]
    return Thread(
        paper=paper,
        comments=items_for(access, paper, comments) if reads_discussion(access, paper) else [],
        audiences=audiences,
        follows=follows(access.user, paper),
        mode=mode_of(access.user, paper.submission.edition),
    )


def history_of(comment: Comment) -> list[CommentVersion]:
    """The comment's earlier texts, oldest first (the current text is the comment's)."""
    return list(comment.versions.order_by("saved_at", "pk"))


# --- Following and preferences ----------------------------------------------------------------


def follows_by_default(user_id: int | None, paper: PaperReviews) -> bool:
    """The paper's committed reviewers and meta-reviewers follow it unless they stopped."""
    return user_id in paper.reviewers or user_id in paper.meta_reviewers


def follows(user: Any, paper: PaperReviews) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    row = PaperFollow.objects.filter(user=user, submission=paper.submission).values_list("follows", flat=True).first()
    return follows_by_default(user.pk, paper) if row is None else bool(row)


def followers(paper: PaperReviews) -> set[int]:
    """The ids of whoever follows the paper (by default or by choice)."""
    rows = dict(PaperFollow.objects.filter(submission=paper.submission).values_list("user_id", "follows"))
    default = set(paper.reviewers) | set(paper.meta_reviewers)
    return {uid for uid in default if rows.get(uid, True)} | {uid for uid, on in rows.items() if on}


def mode_of(user: Any, edition: Edition) -> str:
    if not getattr(user, "is_authenticated", False):
        return NotifyMode.EACH
    mode = NotificationPreference.objects.filter(user=user, edition=edition).values_list("mode", flat=True).first()
    return mode or NotifyMode.EACH


def _modes(user_ids: Iterable[int], edition: Edition) -> dict[int, str]:
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids), edition=edition)
    return dict(rows.values_list("user_id", "mode"))


@transaction.atomic
def follow_set(*, by: Any, submission: Submission, follows: bool) -> PaperFollow:
    """Follow (or stop following) the paper's discussion."""
    paper = paper_reviews(submission)
    if not reads_discussion(access_for(by, submission.edition), paper):
        from mlsys_conf.policy import deny

        require(deny("You may not follow this paper's discussion."))
    row, created = PaperFollow.objects.get_or_create(user=by, submission=submission, defaults={"follows": follows})
    if not created and row.follows != follows:
        row.follows = follows
        row.save(update_fields=["follows"])
    record_paper_action(submission, actor=by, action="discussion.followed" if follows else "discussion.unfollowed")
    return row


@transaction.atomic
def preference_set(*, by: Any, edition: Edition, mode: Any) -> NotificationPreference:
    """How ``by`` hears of new comments in ``edition``: each, a daily digest, or none."""
    if not getattr(by, "is_authenticated", False):
        from mlsys_conf.policy import SIGN_IN_FIRST

        require(SIGN_IN_FIRST)
    try:
        value = NotifyMode(mode)
    except ValueError:
        raise ValidationError({"mode": "Choose each, digest or none."}) from None
    row, _ = NotificationPreference.objects.update_or_create(user=by, edition=edition, defaults={"mode": value})
    return row


# --- Writing --------------------------------------------------------------------------------


def _clean_body(body: Any) -> str:
    text = str(body or "").strip()
    if not text:
        raise ValidationError({"body": "Write something first."})
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError({"body": f"A comment has at most {COMMENT_MAX_CHARS:,} characters ({len(text):,} now)."})
    return text


@transaction.atomic
def comment_post(*, by: Any, submission: Submission, body: Any, audience: Any, now: datetime | None = None) -> Comment:
    """A new comment on the paper's discussion, to ``audience``; its readers among the paper's
    followers and the people it mentions are told by mail (as each has chosen)."""
    paper = paper_reviews(submission)
    require(can_post_comment(by, submission, None, paper))
    try:
        audience = CommentAudience(audience)
    except ValueError:
        raise ValidationError({"audience": "Choose who may read the comment."}) from None
    require(can_post_comment(by, submission, audience, paper))
    text = _clean_body(body)
    access = access_for(by, submission.edition)
    comment = Comment.objects.create(
        submission=submission,
        author=by,
        by_authors=access.is_author(submission),
        audience=CommentAudience(audience),
        body=text,
    )
    if now is not None:
        Comment.objects.filter(pk=comment.pk).update(created_at=now)
        comment.created_at = now
    record_paper_action(
        submission,
        actor=by,
        action="comment.posted",
        changes={"audience": (None, comment.audience)},
        note=f"comment {comment.pk}",
    )
    notify_comment(comment, paper)
    return comment


@transaction.atomic
def comment_edit(*, by: Any, comment: Comment, body: Any, now: datetime | None = None) -> Comment:
    """Change one's own comment; the earlier text is kept (:class:`CommentVersion`)."""
    require(can_edit_comment(by, comment))
    text = _clean_body(body)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if text == comment.body:
        return comment
    now = now or timezone.now()
    CommentVersion.objects.create(comment=comment, body=comment.body, saved_at=comment.edited_at or comment.created_at)
    comment.body = text
    comment.edited_at = now
    comment.save(update_fields=["body", "edited_at"])
    record_paper_action(comment.submission, actor=by, action="comment.edited", note=f"comment {comment.pk}")
    return comment


# --- Mentions -------------------------------------------------------------------------------


def _mentions(text: str, name: str) -> bool:
    return bool(name) and re.search(r"(?<![\w@])@" + re.escape(name) + r"(?![\w-])", text, re.IGNORECASE) is not None


def _chairs(edition: Edition) -> set[int]:
    return set(Role.objects.filter(edition=edition, kind=RoleKind.PC_CHAIR).values_list("user_id", flat=True))


def mentioned(comment: Comment, paper: PaperReviews) -> set[int]:
    """Whom the comment mentions, among the people who may read it (never its writer)."""
    submission = paper.submission
    writer = access_for(comment.author, submission.edition)
    reviews_by = {review.reviewer_id: review for review in paper.reviews}
    people = set(paper.reviewers) | set(paper.meta_reviewers) | set(reviews_by)
    chairs = _chairs(submission.edition)
    found: set[int] = set()
    users = {user.pk: user for user in User.objects.filter(pk__in=people | chairs)}
    for uid, user in users.items():
        if uid == comment.author_id:
            continue
        names: list[str] = []
        if uid in paper.labels:
            names.append(paper.labels[uid].split(" (")[0])  # "Reviewer A"
        elif uid in paper.meta_reviewers:
            names.append("Meta-reviewer")
        review = reviews_by.get(uid)
        knows_name = (
            uid in chairs
            or writer.manages(submission)
            or (review is not None and can_view_reviewer_name(writer, paper, review))
        )
        if knows_name:
            names.append(user.display_name)
        if any(_mentions(comment.body, name) for name in names):
            found.add(uid)
    return found


# --- Mail -----------------------------------------------------------------------------------


def _link_for(access: Access, submission: Submission) -> str:
    if access.is_author(submission):
        path = reverse("reviews:author_reviews", args=[submission.edition.slug, submission.number])
    else:
        path = reverse("reviews:paper", args=[submission.edition.slug, submission.number])
    return f"{settings.SITE_URL}{path}#comment-"


def notify_comment(comment: Comment, paper: PaperReviews | None = None) -> int:
    """Mail the new comment to each follower who may read it and wants one mail each, and to
    each reader it mentions (unless they want no mail). Returns how many mails were queued."""
    submission = comment.submission
    paper = paper or paper_reviews(submission)
    edition = submission.edition
    mentions = mentioned(comment, paper)
    candidates = (followers(paper) | mentions) - {comment.author_id}
    if not candidates:
        return 0
    modes = _modes(candidates, edition)
    sent = 0
    for user in User.objects.filter(pk__in=candidates).order_by("pk"):
        mode = modes.get(user.pk, NotifyMode.EACH)
        was_mentioned = user.pk in mentions
        if mode == NotifyMode.NONE or (mode == NotifyMode.DIGEST and not was_mentioned):
            continue
        access = access_for(user, edition)
        if not can_view_comment(access, paper, comment):
            continue  # never mail a comment to someone who may not read it
        mail_queue_template(
            "reviews/mail/comment",
            {
                "edition": edition,
                "submission": submission,
                "shown_as": comment_author_shown_as(access, paper, comment),
                "comment": comment,
                "audience": CommentAudience(comment.audience).label,
                "mentioned": was_mentioned,
                "url": f"{_link_for(access, submission)}{comment.pk}",
                "site_url": settings.SITE_URL,
            },
            to_email=user.email,
            about=submission,
            to_user=user,
            edition=edition,
            dedupe_key=f"comment:{comment.pk}:{user.pk}",
        )
        sent += 1
    return sent


def comment_digest(now: datetime | None = None) -> int:
    """Each person who chose the daily digest gets, once per day, the comments of the previous
    day (UTC) on the papers they follow that they may read (none of their own). Idempotent: the
    outbox's dedupe key is per edition, person and day."""
    now = now or timezone.now()
    day = (now.astimezone(UTC) - timedelta(days=1)).date()
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    sent = 0
    prefs = NotificationPreference.objects.filter(mode=NotifyMode.DIGEST).select_related("user", "edition")
    by_edition: dict[int, list[NotificationPreference]] = {}
    for pref in prefs:
        by_edition.setdefault(pref.edition_id, []).append(pref)
    for prefs_of_edition in by_edition.values():
        edition = prefs_of_edition[0].edition
        comments = list(
            Comment.objects.filter(submission__edition=edition, created_at__gte=start, created_at__lt=end)
            .select_related("author", "submission__edition")
            .order_by("submission__number", "created_at", "pk")
        )
        if not comments:
            continue
        papers = papers_reviews({c.submission_id: c.submission for c in comments}.values())
        follower_sets = {pk: followers(paper) for pk, paper in papers.items()}
        for pref in prefs_of_edition:
            user = pref.user
            access = access_for(user, edition)
            items = []
            for comment in comments:
                paper = papers[comment.submission_id]
                if comment.author_id == user.pk or user.pk not in follower_sets[comment.submission_id]:
                    continue
                if not can_view_comment(access, paper, comment):
                    continue
                items.append(
                    {
                        "submission": comment.submission,
                        "shown_as": comment_author_shown_as(access, paper, comment),
                        "comment": comment,
                        "url": f"{_link_for(access, comment.submission)}{comment.pk}",
                    }
                )
            if not items:
                continue
            mail_queue_template(
                "reviews/mail/comment_digest",
                {
                    "edition": edition,
                    "reader": user,
                    "day": day.strftime(DAY_FORMAT),
                    "items": items,
                    "site_url": settings.SITE_URL,
                },
                to_email=user.email,
                about=[item["submission"] for item in items],
                to_user=user,
                edition=edition,
                dedupe_key=f"comment-digest:{edition.pk}:{user.pk}:{day.isoformat()}",
            )
            sent += 1
    return sent
