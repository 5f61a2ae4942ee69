"""External reviewers: a chair handling a paper, or one of its reviewers, asks for an extra
reviewer by e-mail.

A chair's request is approved at once; a reviewer's waits for a chair handling the paper (they
are mailed). On approval the person is mailed a link with the paper's title and abstract only
(double-blind: never its authors, nor who asked: "the programme committee"). Accepting from a
signed-in account runs the conflict detection for that account and the paper; when it finds
none, the account gets the role of external reviewer and a committed review assignment of this
paper alone, and so reaches it through the reviewer's pages like any reviewer. The token is the
link's credential (:func:`mlsys_conf.tokens.unique_token`, as a committee invitation's): a
declined or withdrawn request's link is dead.

The rules are here too (``can_*``); every service checks them itself and logs what it changed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import account_for_verified_email
from actionlog.services import record_paper_action
from assignments.models import Assignment, AssignmentKind
from assignments.services import assignment_add_committed
from committees.selectors import committee_of
from committees.services import role_grant_as_agreed
from conferences.access import access_of
from conferences.models import Edition
from conferences.policy import can_manage_edition
from conferences.roles import RoleKind
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, require, rule, visible_or_404
from mlsys_conf.tokens import unique_token
from outbox.models import Mail
from outbox.services import mail_queue_template
from reviews.models import ExternalRequest, ExternalStatus
from reviews.policy import REVIEWING_KINDS, can_open_paper_for_review
from submissions.models import ACTIVE_STATES, Submission
from submissions.services import conflicts_detect_for_newcomer

log = logging.getLogger(__name__)

REASON_MAX_CHARS = 2000
CONFLICTED = (
    "You have a conflict of interest with this paper, so you cannot review it. "
    "The chairs are told; thank you for your time."
)


# --- Rules ----------------------------------------------------------------------------------


@rule
def can_request_external(user: Any, submission: Submission) -> Verdict:
    """A chair handling the paper, or a PC member committed to review (or meta-review) it, not
    conflicted, while it is under review. An external reviewer asks no one else."""
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if submission.state not in ACTIVE_STATES:
        return deny("This paper is no longer under review.")
    if access.manages(submission):
        return ALLOW
    committed = any(access.is_assigned(submission, kind) for kind in REVIEWING_KINDS)
    if committed and access.has_role(*RoleKind.where("on_pc")) and not access.is_conflicted(submission):
        return ALLOW
    return deny("Only the chairs and the PC members reviewing this paper may ask for an external reviewer.")


@rule
def can_decide_external(user: Any, request: ExternalRequest) -> Verdict:
    """Approving, declining or withdrawing: a chair handling the paper."""
    access = access_of(user, request.submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not access.manages(request.submission):
        return deny("Only the chairs handling this paper decide on its external reviewers.")
    return ALLOW


def closed_reason(request: ExternalRequest, user: Any = None) -> Verdict:
    """Why the link can no longer be answered (ALLOW while it is approved and unanswered)."""
    if request.status == ExternalStatus.APPROVED:
        return ALLOW
    if request.status == ExternalStatus.ACCEPTED:
        if getattr(user, "pk", None) is not None and request.user_id == user.pk:
            return deny("You accepted: the paper is on your reviewing dashboard.")
        return deny("This request was already accepted.")
    if request.status == ExternalStatus.TURNED_DOWN:
        return deny("This request was declined. Thank you for letting the programme committee know.")
    return deny("This request is no longer open.")


# --- Reading ----------------------------------------------------------------------------------


def requests_to_decide(user: Any, edition: Edition) -> list[ExternalRequest]:
    """The requests of the papers ``user`` handles as a chair (never those of a paper they are
    conflicted with), open ones first, then by paper."""
    require(can_manage_edition(user, edition))
    access = access_of(user, edition)
    rows = ExternalRequest.objects.filter(submission__edition=edition).select_related(
        "submission__edition", "requested_by", "approved_by", "user"
    )
    order = {ExternalStatus.REQUESTED: 0, ExternalStatus.APPROVED: 1}
    shown = [row for row in rows if access.manages(row.submission)]
    return sorted(shown, key=lambda r: (order.get(ExternalStatus(r.status), 2), r.submission.number, r.pk))


def request_to_decide(user: Any, edition: Edition, request_id: int) -> ExternalRequest:
    """One request for a chair handling its paper; the 404 of a missing one for anyone else."""
    request = get_object_or_404(
        ExternalRequest.objects.select_related("submission__edition"), pk=request_id, submission__edition=edition
    )
    visible_or_404(can_decide_external(user, request))
    return request


def requests_of_paper(user: Any, submission: Submission) -> QuerySet[ExternalRequest]:
    """What the paper page lists: every request of the paper for a chair handling it, the
    requests they made for a reviewer, none for anyone else."""
    access = access_of(user, submission.edition)
    rows = ExternalRequest.objects.filter(submission=submission).order_by("created_at", "pk")
    if access.manages(submission):
        return rows
    if can_request_external(user, submission):
        return rows.filter(requested_by=user)
    return rows.none()


def request_by_token(token: str) -> ExternalRequest | None:
    return (
        ExternalRequest.objects.select_related("submission__edition", "user").filter(token=token).first()
        if token
        else None
    )


def link_of(request: ExternalRequest) -> str:
    """The absolute address of the request's accept/decline page, for mail."""
    path = reverse(
        "reviews:external_link", kwargs={"edition_slug": request.submission.edition.slug, "token": request.token}
    )
    return settings.SITE_URL.rstrip("/") + path


# --- Mail ------------------------------------------------------------------------------------


def _chairs_handling(submission: Submission) -> list[Any]:
    access_rows = committee_of(submission.edition, RoleKind.PC_CHAIR)
    chairs = {role.user for role in access_rows}
    return sorted(
        (chair for chair in chairs if access_of(chair, submission.edition).manages(submission)), key=lambda u: u.pk
    )


def _mail_chairs(request: ExternalRequest) -> list[Mail]:
    """Ask the chairs handling the paper to decide (never a chair conflicted with it)."""
    submission = request.submission
    url = settings.SITE_URL.rstrip("/") + reverse(
        "reviews:external_requests", kwargs={"edition_slug": submission.edition.slug}
    )
    return [
        mail_queue_template(
            "reviews/mail/external_requested",
            {
                "edition": submission.edition,
                "submission": submission,
                "external": request,
                "requester": request.requested_by,
                "url": url,
            },
            to_email=chair.email,
            about=submission,
            to_user=chair,
            edition=submission.edition,
            dedupe_key=f"external-request:{request.pk}:chair-{chair.pk}",
        )
        for chair in _chairs_handling(submission)
    ]


def _mail_invitation(request: ExternalRequest) -> Mail:
    """The link, with the paper's title and abstract: never its authors, nor who asked."""
    submission = request.submission
    return mail_queue_template(
        "reviews/mail/external_invitation",
        {"edition": submission.edition, "submission": submission, "external": request, "url": link_of(request)},
        to_email=request.email,
        about=submission,
        to_user=account_for_verified_email(request.email),
        edition=submission.edition,
        dedupe_key=f"external-invitation:{request.token}",
    )


# --- Services --------------------------------------------------------------------------------


def _log(request: ExternalRequest, by: Any, action: str, before: str | None, note: str = "") -> None:
    record_paper_action(
        request.submission,
        actor=by,
        action=f"external.{action}",
        person=request.user,
        changes={"status": (before, request.status)} if before != request.status else None,
        note=note or f"{request.name} <{request.email}>",
    )


def _locked(request: ExternalRequest) -> ExternalRequest:
    return (
        ExternalRequest.objects.select_for_update(of=("self",))
        .select_related("submission__edition", "user")
        .get(pk=request.pk)
    )


@transaction.atomic
def external_request(*, by: Any, submission: Submission, name: str, email: str, reason: str = "") -> ExternalRequest:
    """Ask for ``name`` <``email``> as an external reviewer of ``submission``. A chair handling
    the paper is approved at once (the person is mailed the link); a reviewer's request waits
    for the chairs handling the paper, who are mailed."""
    require(can_request_external(by, submission))
    name, email, reason = name.strip(), email.strip().lower(), reason.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the person's name."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Give a valid e-mail address."
    if len(reason) > REASON_MAX_CHARS:
        errors["reason"] = f"Keep the reason within {REASON_MAX_CHARS} characters."
    if errors:
        raise ValidationError(errors)
    account = account_for_verified_email(email)
    if (
        account is not None
        and Assignment.objects.filter(submission=submission, user=account, kind=AssignmentKind.REVIEW).exists()
    ):
        raise ValidationError({"email": f"{email} already reviews this paper."})
    if ExternalRequest.objects.filter(
        submission=submission, email=email, status__in=(ExternalStatus.REQUESTED, ExternalStatus.APPROVED)
    ).exists():
        raise ValidationError({"email": f"{email} has already been asked to review this paper."})
    chair = access_of(by, submission.edition).manages(submission)
    now = timezone.now()
    request = ExternalRequest(
        submission=submission,
        requested_by=by,
        name=name[:200],
        email=email,
        reason=reason,
        token=unique_token(ExternalRequest),
        status=ExternalStatus.APPROVED if chair else ExternalStatus.REQUESTED,
        approved_by=by if chair else None,
        decided_at=now if chair else None,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError({"email": f"{email} has already been asked to review this paper."}) from None
    _log(request, by, "requested", None)
    if chair:
        _mail_invitation(request)
    else:
        _mail_chairs(request)
    log.info("user %s asked for %s as external reviewer of #%s", by.pk, email, submission.number)
    return request


@transaction.atomic
def external_approve(*, by: Any, request: ExternalRequest) -> ExternalRequest:
    """A chair handling the paper approves: the person is mailed the link."""
    request = _locked(request)
    require(can_decide_external(by, request))
    if request.status == ExternalStatus.APPROVED:
        return request
    if request.status != ExternalStatus.REQUESTED:
        raise ValidationError(f"This request is {request.get_status_display().lower()}; there is nothing to approve.")
    before = request.status
    request.status, request.approved_by, request.decided_at = ExternalStatus.APPROVED, by, timezone.now()
    request.save(update_fields=["status", "approved_by", "decided_at"])
    _log(request, by, "approved", before)
    _mail_invitation(request)
    return request


@transaction.atomic
def external_decline(*, by: Any, request: ExternalRequest) -> ExternalRequest:
    """A chair handling the paper declines a request awaiting them: nobody is mailed."""
    request = _locked(request)
    require(can_decide_external(by, request))
    if request.status == ExternalStatus.DECLINED:
        return request
    if request.status != ExternalStatus.REQUESTED:
        raise ValidationError(
            f"This request is {request.get_status_display().lower()}; only one awaiting the chairs can be declined."
        )
    before = request.status
    request.status, request.approved_by, request.decided_at = ExternalStatus.DECLINED, by, timezone.now()
    request.save(update_fields=["status", "approved_by", "decided_at"])
    _log(request, by, "declined", before)
    return request


@transaction.atomic
def external_withdraw(*, by: Any, request: ExternalRequest) -> ExternalRequest:
    """A chair handling the paper withdraws an open request: its link stops working."""
    request = _locked(request)
    require(can_decide_external(by, request))
    if request.status == ExternalStatus.WITHDRAWN:
        return request
    if request.status == ExternalStatus.ACCEPTED:
        raise ValidationError(
            f"{request.email} has already accepted; remove their assignment on the assignments page instead."
        )
    if not request.is_open:
        raise ValidationError(f"This request is {request.get_status_display().lower()}; there is nothing to withdraw.")
    before = request.status
    request.status = ExternalStatus.WITHDRAWN
    request.save(update_fields=["status"])
    _log(request, by, "withdrawn", before)
    return request


def external_accept(*, token: str, user: Any) -> ExternalRequest:
    """The signed-in ``user`` accepts the approved request of ``token`` (whatever their
    account's address: the request records who). Refused, and recorded, when conflict detection
    finds them conflicted with the paper (or they wrote it); else they become an external
    reviewer of the edition, committed to review this paper alone. Accepting again is a no-op."""
    request, refused = _accept(token, user)
    if refused:
        raise ValidationError(CONFLICTED)  # after the refusal (and the conflict found) are saved
    return request


@transaction.atomic
def _accept(token: str, user: Any) -> tuple[ExternalRequest, bool]:
    found = request_by_token(token)
    if found is None or found.status in (ExternalStatus.WITHDRAWN, ExternalStatus.DECLINED):
        raise ValidationError("This link does not work: the request was withdrawn, or never existed.")
    request = _locked(found)
    if not getattr(user, "is_authenticated", False):
        raise ValidationError("Please sign in, or sign up, to accept.")
    if request.status == ExternalStatus.ACCEPTED and request.user_id == user.pk:
        return request, False
    closed = closed_reason(request, user)
    if not closed:
        raise ValidationError(closed.reason)
    submission = request.submission
    if submission.state not in ACTIVE_STATES:
        raise ValidationError("This paper is no longer under review.")
    conflict = conflicts_detect_for_newcomer(submission=submission, user=user)
    if conflict is not None or access_of(user, submission.edition).is_author(submission):
        request.refusal = (
            f"{user.email}: conflict of interest ({conflict.get_reason_display()})"
            if conflict is not None
            else f"{user.email}: an author of the paper"
        )[:300]
        request.user = user
        request.save(update_fields=["refusal", "user"])
        _log(request, user, "refused", request.status, note=request.refusal)
        log.info("user %s may not review #%s externally: %s", user.pk, submission.number, request.refusal)
        return request, True
    role_grant_as_agreed(edition=submission.edition, user=user, kind=RoleKind.EXTERNAL_REVIEWER, by=user)
    if not Assignment.objects.filter(submission=submission, user=user, kind=AssignmentKind.REVIEW).exists():
        assignment_add_committed(submission=submission, user=user, kind=AssignmentKind.REVIEW, by=user)
    before = request.status
    request.status, request.user, request.answered_at, request.refusal = (
        ExternalStatus.ACCEPTED,
        user,
        timezone.now(),
        "",
    )
    request.save(update_fields=["status", "user", "answered_at", "refusal"])
    _log(request, user, "accepted", before)
    log.info("user %s accepted the external review of #%s (request %s)", user.pk, submission.number, request.pk)
    return request, False


@transaction.atomic
def external_turn_down(*, token: str, user: Any = None) -> ExternalRequest:
    """The person declines with the link alone (no account needed). Again is a no-op."""
    found = request_by_token(token)
    if found is None or found.status in (ExternalStatus.WITHDRAWN, ExternalStatus.DECLINED):
        raise ValidationError("This link does not work: the request was withdrawn, or never existed.")
    request = _locked(found)
    if request.status == ExternalStatus.TURNED_DOWN:
        return request
    closed = closed_reason(request, user)
    if not closed:
        raise ValidationError(closed.reason)
    before = request.status
    request.status, request.answered_at = ExternalStatus.TURNED_DOWN, timezone.now()
    request.user = user if getattr(user, "is_authenticated", False) else None
    request.save(update_fields=["status", "answered_at", "user"])
    _log(request, user, "turned_down", before)
    return request


def may_request_on_page(user: Any, submission: Submission) -> bool:
    """Whether the paper page shows the request form (the person may open the paper and ask)."""
    return bool(can_open_paper_for_review(user, submission)) and bool(can_request_external(user, submission))
