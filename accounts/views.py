"""The profile page with the person's API tokens, and the admin's sign-in door."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import publication_import
from accounts.forms import ApiTokenForm, ProfileForm, PublicationImportConfirmForm, PublicationImportForm
from accounts.publication_import import ImportPlan, ImportRefused, parse_export, read_upload
from accounts.selectors import api_tokens_of
from accounts.services import api_token_create, api_token_revoke, profile_update
from accounts.typing import AuthenticatedHttpRequest


def _profile_page(
    request: AuthenticatedHttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    new_secret: str = "",
) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form or ProfileForm(instance=request.user),
            "token_form": token_form or ApiTokenForm(),
            "tokens": api_tokens_of(request.user),
            "new_secret": new_secret,
        },
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                user=request.user,
                **{f: form.cleaned_data[f] for f in form.changed_data},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    return _profile_page(request, form=form)


@login_required
def publications_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an export, see what it adds, then confirm; existing publications are kept."""
    if request.method == "POST" and "entries" in request.POST:
        confirm = PublicationImportConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, "The preview is damaged; upload the file again.")
            return redirect("accounts:publications_import")
        done = publication_import.publications_import(user=request.user, publications=confirm.cleaned_data["entries"])
        added = len(done.added)
        if added:
            messages.success(request, f"Added {added} publication{'s' if added != 1 else ''} to your profile.")
        else:
            messages.info(request, "Nothing added: these publications are on your profile already.")
        return redirect("accounts:profile")
    form = PublicationImportForm(request.POST, request.FILES) if request.method == "POST" else PublicationImportForm()
    plan: ImportPlan | None = None
    if request.method == "POST" and form.is_valid():
        try:
            publications = parse_export(read_upload(form.cleaned_data["file"]))
        except ImportRefused as error:
            form.add_error("file", error)
        else:
            plan = publication_import.publications_import(user=request.user, publications=publications, dry_run=True)
    return render(
        request,
        "accounts/publications_import.html",
        {
            "form": form,
            "plan": plan,
            "confirm_form": PublicationImportConfirmForm.carrying(plan.added) if plan else None,
        },
    )


@never_cache  # the page shows the new secret, once
@require_POST
@login_required
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    token_form = ApiTokenForm(request.POST)
    if token_form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user, name=token_form.cleaned_data["name"], expires_at=token_form.expires_at()
            )
        except ValidationError as error:
            token_form.add_error(None, error)
        else:
            messages.success(request, f"API token “{token.name}” created. Copy it now: it is not shown again.")
            return _profile_page(request, new_secret=secret)
    return _profile_page(request, token_form=token_form)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), pk=token_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"API token “{token.name}” is revoked; requests with it are refused from now on.")
    return redirect("accounts:profile")


@secure_admin_login
def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """``/admin/login/`` has no password form of its own: visitors are sent to the site's
    sign-in (verified address, throttled failures), signed-in staff on to the admin, and
    anyone else signed in gets a 403 (allauth's recommended guard)."""
    return redirect(get_next_redirect_url(request) or reverse("admin:index"))
