"""The panels of the edition page's dashboard, one per hat the user wears: author, each
committee role, AE chair, PC chair (a to-do list with counts, each linking to the page where it
is done). Registered with :mod:`conferences.panels` by this app's ``ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from assignments.selectors import job_counts, papers_to_review, unbalanced_paper_count
from bidding import policy as bidding_policy
from bidding.selectors import bid_count_of, members_with_few_bids_count
from committees.selectors import committee_of, pc_balance, unanswered_invitation_count
from conferences.models import Edition, Phase, Role
from conferences.panels import register_panel
from conferences.policy import can_manage_edition
from conferences.roles import RoleKind
from conferences.selectors import edition_timeline
from decisions.meeting import open_meeting
from outbox.selectors import failed_mail_count
from reviews.reading import my_papers
from submissions import policy as submission_policy
from submissions.models import Submission
from submissions.selectors import (
    conflicted_paper_ids,
    conflicts_shown_to_member,
    papers_without_pdf_count,
    submissions_of_author,
)


def author_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    """Everyone signed in is a possible author: their papers, and whether they may register one."""
    yield {
        "my_submissions": list(submissions_of_author(user, edition)),
        "can_register": submission_policy.can_register_submission(user, edition, now),
    }


def role_panels(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    """One panel per committee role (the chair's is its own panel): bidding and papers to
    review for the roles that bid."""
    roles = [role for role in Role.objects.filter(edition=edition, user=user) if not RoleKind(role.kind).is_chair]
    bids = any(RoleKind(role.kind).bids for role in roles)
    work: dict[str, Any] = {}
    if bids:
        bidding = edition_timeline(edition).window(Phase.BIDDING)
        work = {
            "can_bid": bidding_policy.can_place_bids(user, edition, now),
            "bid_count": bid_count_of(user, edition),
            "conflict_count": conflicts_shown_to_member(user, edition).count(),
            "papers_to_review": list(papers_to_review(user, edition)),
            "review_status": {row.submission.pk: row for row in my_papers(user, edition, now=now) if not row.is_meta},
            "bidding_closes_at": bidding.closes_at if bidding else None,
            "meeting_open": open_meeting(edition) is not None,
        }
    elif any(RoleKind(role.kind).reviews for role in roles):  # an external reviewer: their papers alone
        work = {
            "papers_to_review": list(papers_to_review(user, edition)),
            "review_status": {row.submission.pk: row for row in my_papers(user, edition, now=now) if not row.is_meta},
        }
    if work:  # each paper to review with the state of the member's review of it
        status = work.pop("review_status")
        work["review_rows"] = [(paper, status.get(paper.pk)) for paper in work["papers_to_review"]]
    for role in roles:
        yield {"role": role, "bids": RoleKind(role.kind).bids, "reviews": RoleKind(role.kind).reviews, **work}


@dataclass(frozen=True)
class Todo:
    """One line of the chair's to-do list: how many things wait, and where they are done."""

    count: int
    one: str
    many: str
    url: str

    @property
    def label(self) -> str:
        return f"{self.count} {self.one if self.count == 1 else self.many}"


def chair_todo(user: Any, edition: Edition) -> list[Todo]:
    """What waits for the PC chairs, in a fixed number of queries. A chair's own conflicts are
    left out of the paper counts, as on the pages the lines link to."""
    hidden = conflicted_paper_ids(user, edition)
    jobs = job_counts(edition)

    def url(name: str) -> str:
        return reverse(name, kwargs={"edition_slug": edition.slug})

    return [
        Todo(
            unanswered_invitation_count(edition),
            "invitation unanswered",
            "invitations unanswered",
            url("committees:committee"),
        ),
        Todo(papers_without_pdf_count(edition), "paper without a PDF", "papers without a PDF", url("submissions:list")),
        Todo(
            members_with_few_bids_count(edition, without_papers=hidden),
            "member with few bids",
            "members with few bids",
            url("bidding:stats"),
        ),
        Todo(
            unbalanced_paper_count(edition, without_papers=hidden),
            "paper without a balanced assignment",
            "papers without a balanced assignment",
            url("assignments:dashboard"),
        ),
        Todo(jobs.running, "solver run in progress", "solver runs in progress", url("assignments:dashboard")),
        Todo(jobs.failed, "solver run failed", "solver runs failed", url("assignments:dashboard")),
        Todo(
            failed_mail_count(edition, hidden_paper_ids=hidden),
            "mail failed to send",
            "mails failed to send",
            f"{url('outbox:mail')}?status=failed",
        ),
    ]


def chair_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    if not can_manage_edition(user, edition):
        return
    submissions = Submission.objects.filter(edition=edition)
    todo = chair_todo(user, edition)
    yield {
        "submissions": submissions.active().count(),
        "withdrawn": submissions.withdrawn().count(),
        "pc_balance": pc_balance(edition),
        "ae_members": Role.objects.filter(edition=edition, kind=RoleKind.AE_MEMBER).count(),
        "todo": [item for item in todo if item.count],
    }


AE_PHASES = (Phase.ARTIFACT_REGISTRATION, Phase.ARTIFACT_EVALUATION)


def ae_chair_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    """The AE chair: their committee and the next artifact phase still to close."""
    if not Role.objects.filter(edition=edition, user=user, kind=RoleKind.AE_CHAIR).exists():
        return
    timeline = edition_timeline(edition)
    windows = [w for phase in AE_PHASES if (w := timeline.window(phase)) and w.closes_at >= now]
    yield {
        "members": committee_of(edition, RoleKind.AE_MEMBER).count(),
        "invitations_pending": unanswered_invitation_count(edition, RoleKind.AE_MEMBER),
        "next": windows[0] if windows else None,
        "next_is_open": bool(windows) and windows[0].is_open(now),
    }


def register_panels() -> None:
    register_panel("author", template="site_pages/panels/author.html", build=author_panel, order=10)
    register_panel("roles", template="site_pages/panels/role.html", build=role_panels, order=20)
    register_panel("ae_chair", template="site_pages/panels/ae_chair.html", build=ae_chair_panel, order=25)
    register_panel("chair", template="site_pages/panels/chair.html", build=chair_panel, order=30)
