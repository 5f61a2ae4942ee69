"""Chairs build the committee; invitees answer through the link in their mail.

The chairs' pages are thin: they check ``can_manage_committee``, call a service and go back to
the committee page. The invitee's page needs no account to look at or to decline; accepting
sends anonymous visitors to sign in (or up) and back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from committees import services
from committees.bulk_invitations import BulkInvitationError, invitations_send_pasted
from committees.forms import BulkInvitationForm, DeclineForm, InvitationForm, RoleGrantForm, RoleLoadForm
from committees.models import Invitation, InvitationStatus
from committees.policy import can_accept_invitation, can_decline_invitation, can_manage_committee
from committees.selectors import UNEVEN_SHARE, committee_balance, committee_of, invitation_by_token, invitations_of
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require


def _back(edition: Edition) -> HttpResponse:
    return redirect("committees:committee", edition_slug=edition.slug)


def _form_errors(form: forms.Form, error: ValidationError, field: str) -> None:
    """A service's refusal onto the form: per field where it names one, else on ``field``."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error)


def _role_label(kind: str, area: str) -> str:
    label = str(RoleKind(kind).label)
    return f"{label} ({Area(area).label})" if area else label


def _committee_page(
    request: HttpRequest,
    edition: Edition,
    *,
    invite_form: InvitationForm | None = None,
    add_form: RoleGrantForm | None = None,
    bulk_form: BulkInvitationForm | None = None,
) -> HttpResponse:
    invitations = list(invitations_of(edition))
    return render(
        request,
        "committees/committee.html",
        {
            "invite_form": invite_form or InvitationForm(prefix="invite"),
            "add_form": add_form or RoleGrantForm(prefix="add"),
            "add_open": add_form is not None,
            "bulk_form": bulk_form or BulkInvitationForm(prefix="bulk"),
            "bulk_open": bulk_form is not None,
            "roles": committee_of(edition),
            "balances": committee_balance(edition),
            "uneven_percent": int(UNEVEN_SHARE * 100),
            "pending": [i for i in invitations if i.status == InvitationStatus.PENDING],
            "answered": [i for i in invitations if i.status != InvitationStatus.PENDING],
        },
    )


@require_GET
@login_required
@edition_view
def committee(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_committee(request.user, edition))
    return _committee_page(request, edition)


@edition_action
def invite(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_committee(request.user, edition))
    form = InvitationForm(request.POST, prefix="invite")
    if form.is_valid():
        started = timezone.now()
        try:
            invitation = services.invitation_send(edition=edition, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error, "email")
        else:
            role = _role_label(invitation.kind, invitation.area)
            if invitation.sent_at >= started:
                messages.success(request, f"Invited {invitation.email} as {role}; the link is on its way.")
            else:
                messages.info(
                    request,
                    f"{invitation.email} was already invited as {role} and has not answered yet; "
                    "the details are updated. Use “Resend” to mail the link again.",
                )
            return _back(edition)
    return _committee_page(request, edition, invite_form=form)


@edition_action
def invite_bulk(request: HttpRequest, edition: Edition) -> HttpResponse:
    """Invite a pasted list at once, or nobody: every bad line is named on the form, which
    keeps the pasted text."""
    require(can_manage_committee(request.user, edition))
    form = BulkInvitationForm(request.POST, prefix="bulk")
    if form.is_valid():
        try:
            invitations = invitations_send_pasted(
                edition=edition, text=form.cleaned_data["people"], kind=form.cleaned_data["kind"], by=request.user
            )
        except BulkInvitationError as error:
            form.add_error("people", [f"Line {p.line}: {p.reason}" for p in error.problems])
            form.add_error(None, f"Nobody was invited: {len(error.problems)} line(s) to fix first.")
        except ValidationError as error:
            form.add_error("people", error)
        else:
            role = RoleKind(form.cleaned_data["kind"]).label
            count = len(invitations)
            people = "person" if count == 1 else "people"
            messages.success(request, f"Invited {count} {people} as {role}; the links are on their way.")
            return _back(edition)
    return _committee_page(request, edition, bulk_form=form)


@edition_action
def role_add(request: HttpRequest, edition: Edition) -> HttpResponse:
    """The secondary way in: give a role to an existing account directly, without asking."""
    require(can_manage_committee(request.user, edition))
    form = RoleGrantForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            role = services.role_grant_by_email(
                edition=edition,
                email=form.cleaned_data["email"],
                kind=RoleKind(form.cleaned_data["kind"]),
                area=form.cleaned_data["area"],
                by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error, "email")
        else:
            messages.success(request, f"{role.user.display_name} is now {role.get_kind_display()}.")
            return _back(edition)
    return _committee_page(request, edition, add_form=form)


@edition_action
def role_remove(request: HttpRequest, edition: Edition, role_id: int) -> HttpResponse:
    require(can_manage_committee(request.user, edition))
    role = get_object_or_404(Role, pk=role_id, edition=edition)
    if request.POST.get("confirm") != "yes":  # the page's button asks first
        messages.error(request, f"Nothing removed: confirm that {role.user.display_name} should go.")
        return _back(edition)
    with refusal_as_message(request):
        services.role_revoke(role=role, by=request.user)
        messages.success(request, f"{role.user.display_name} is no longer {role.get_kind_display()}.")
    return _back(edition)


@edition_action
def role_load(request: HttpRequest, edition: Edition, role_id: int) -> HttpResponse:
    require(can_manage_committee(request.user, edition))
    role = get_object_or_404(Role.objects.select_related("user"), pk=role_id, edition=edition)
    form = RoleLoadForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[f].label}: {' '.join(map(str, e))}" for f, e in form.errors.items())
        messages.error(request, f"The load of {role.user.display_name} is unchanged. {problems}")
        return _back(edition)
    try:
        role = services.role_update_load(role=role, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, f"The load of {role.user.display_name} is unchanged. {' '.join(error.messages)}")
        return _back(edition)
    low = edition.default_min_load if role.min_load is None else role.min_load
    high = edition.default_max_load if role.max_load is None else role.max_load
    messages.success(request, f"{role.user.display_name} reviews {low} to {high} papers.")
    return _back(edition)


@edition_action
def invitation_revoke(request: HttpRequest, edition: Edition, invitation_id: int) -> HttpResponse:
    done = "The invitation to {email} is withdrawn; its link no longer works."
    return _act_on_invitation(request, edition, invitation_id, services.invitation_revoke, done)


@edition_action
def invitation_resend(request: HttpRequest, edition: Edition, invitation_id: int) -> HttpResponse:
    done = "The invitation went to {email} again."
    return _act_on_invitation(request, edition, invitation_id, services.invitation_resend, done)


def _act_on_invitation(
    request: HttpRequest, edition: Edition, invitation_id: int, act: Callable[..., Invitation], done: str
) -> HttpResponse:
    """A chair's action on one invitation: ``done`` (with ``{email}``) on success, else why not."""
    require(can_manage_committee(request.user, edition))
    invitation = get_object_or_404(Invitation, pk=invitation_id, edition=edition)
    with refusal_as_message(request):
        act(invitation=invitation, by=request.user)
        messages.success(request, done.format(email=invitation.email))
    return _back(edition)


# --- The invitee's page ---------------------------------------------------------------------

InvitationView = Callable[..., HttpResponse]


def invitation_view(view: InvitationView) -> InvitationView:
    """Resolve the token (a clear 404 page when unknown or withdrawn), show times in the
    edition's zone and call ``view(request, invitation)``. The edition may still be hidden:
    committees are built before the call for papers goes out."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, edition_slug: str, token: str) -> HttpResponse:
        invitation = invitation_by_token(token)
        if invitation is None or invitation.edition.slug != edition_slug:
            return render(request, "committees/invitation_missing.html", {"revoked": False}, status=404)
        edition = invitation.edition
        if edition.is_public:
            request.edition = edition  # type: ignore[attr-defined]  # the navigation bar links it
        if invitation.status == InvitationStatus.REVOKED:
            context = {"revoked": True, "invited_edition": edition}
            return render(request, "committees/invitation_missing.html", context, status=404)
        with timezone.override(edition.zone):
            return view(request, invitation)

    return wrapper


def _invitation_page_url(invitation: Invitation) -> str:
    return reverse("committees:invitation", kwargs={"edition_slug": invitation.edition.slug, "token": invitation.token})


@require_GET
@invitation_view
def invitation(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user: Any = request.user
    page = _invitation_page_url(invitation)
    return render(
        request,
        "committees/invitation.html",
        {
            "invitation": invitation,
            "invited_edition": invitation.edition,
            "can_accept": can_accept_invitation(user, invitation),
            "can_decline": can_decline_invitation(user, invitation),
            "other_address": user.is_authenticated and user.email.lower() != invitation.email.lower(),
            "accepted_by_me": invitation.status == InvitationStatus.ACCEPTED and invitation.user_id == user.pk,
            "decline_form": DeclineForm(),
            "page": page,
        },
    )


@require_POST
@invitation_view
def invitation_accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    page = _invitation_page_url(invitation)
    if not request.user.is_authenticated:
        return redirect_to_login(page)
    with refusal_as_message(request):
        invitation = services.invitation_accept(invitation=invitation, user=request.user)
        role = _role_label(invitation.kind, invitation.area)
        messages.success(request, f"Welcome aboard: you are {role} of {invitation.edition.name}.")
    return redirect(page)


@require_POST
@invitation_view
def invitation_decline(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    reason = request.POST.get("reason", "")  # optional; the service trims and caps it
    user = request.user if request.user.is_authenticated else None
    with refusal_as_message(request):
        services.invitation_decline(invitation=invitation, user=user, reason=reason)
        messages.success(request, "You declined the invitation. Thank you for letting the chairs know.")
    return redirect(_invitation_page_url(invitation))
