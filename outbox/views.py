"""The chairs' outbox pages: every mail of the edition with its delivery status, held batches to
read, edit and release, the edition's own mail templates and the composer. Each page checks
``can_manage_mail`` and leaves the change to a service. A chair is never shown a mail about a
paper they are conflicted with: not listed, not counted, and its address answers 404. Also
everyone's choice of no non-essential mail, and the signed unsubscribe link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from outbox import composer, services
from outbox.forms import ComposeForm, MailEditForm, MailFilterForm, MailPreferenceForm, MailTemplateForm
from outbox.models import Mail, MailBatch, MailStatus, MailTemplate
from outbox.policy import can_manage_mail
from outbox.preferences import mail_opt_out_address, mail_opt_out_set, opted_out_user, read_unsubscribe_token
from outbox.recipients import recipient_set, recipient_sets
from outbox.rendering import default_text, render_checked, sample_context, template_keys
from outbox.selectors import batch_mails, batches_of, mails_of, without_hidden

PAGE_SIZE = 100


def hidden_papers(user: Any, edition: Edition) -> frozenset[int]:
    """The papers whose mail ``user`` may not read: those they are conflicted with."""
    return access_for(user, edition).conflicted


def held_count(user: Any, batch: MailBatch) -> int:
    """How many of the batch's held mails ``user`` may read (a release or cancellation moves
    all of them; the count told is of these)."""
    mails = batch_mails(batch, hidden_paper_ids=hidden_papers(user, batch.edition))
    return mails.filter(status=MailStatus.HELD).count()


def filtered_mails(user: Any, edition: Edition, query: Any) -> tuple[MailFilterForm, Any]:
    form = MailFilterForm(query or None)
    filters = form.cleaned_data if form.is_valid() else {}
    mails = mails_of(
        edition,
        hidden_paper_ids=hidden_papers(user, edition),
        status=filters.get("status") or "",
        to=filters.get("to") or "",
        batch_id=filters.get("batch"),
    )
    return form, mails


@login_required
@edition_view
def mail_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    form, mails = filtered_mails(request.user, edition, request.GET)
    page = Paginator(mails, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outbox/mail_list.html", {"form": form, "page": page})


@login_required
@edition_view
def batch_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    batches = batches_of(edition, hidden_paper_ids=hidden_papers(request.user, edition))
    return render(request, "outbox/batch_list.html", {"batches": batches})


def _batch(edition: Edition, batch_id: int) -> MailBatch:
    return get_object_or_404(MailBatch, pk=batch_id, edition=edition)


def _mail(user: Any, edition: Edition, mail_id: int) -> Mail:
    """The edition's mail ``mail_id``; 404 as for none when it is about a paper ``user`` is
    conflicted with."""
    mails = without_hidden(Mail.objects.select_related("batch"), hidden_papers(user, edition))
    return get_object_or_404(mails, pk=mail_id, edition=edition)


@login_required
@edition_view
def batch_detail(request: AuthenticatedHttpRequest, edition: Edition, batch_id: int) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    batch = _batch(edition, batch_id)
    mails = batch_mails(batch, hidden_paper_ids=hidden_papers(request.user, edition))
    return render(request, "outbox/batch.html", {"batch": batch, "mails": mails})


def _settle(request: AuthenticatedHttpRequest, edition: Edition, batch_id: int, *, release: bool) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    batch = _batch(edition, batch_id)
    settle = services.mail_batch_release if release else services.mail_batch_cancel
    outcome = "are being sent" if release else "will not be sent"
    with refusal_as_message(request):
        count = held_count(request.user, batch)
        settle(batch=batch, by=request.user)
        messages.success(request, f"{batch.name}: {count} mail{'s' if count != 1 else ''} {outcome}.")
    return redirect("outbox:batch", edition_slug=edition.slug, batch_id=batch.pk)


@edition_action
def batch_release(request: AuthenticatedHttpRequest, edition: Edition, batch_id: int) -> HttpResponse:
    return _settle(request, edition, batch_id, release=True)


@edition_action
def batch_cancel(request: AuthenticatedHttpRequest, edition: Edition, batch_id: int) -> HttpResponse:
    return _settle(request, edition, batch_id, release=False)


@login_required
@edition_view
def mail_edit(request: AuthenticatedHttpRequest, edition: Edition, mail_id: int) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    mail = _mail(request.user, edition, mail_id)
    form = MailEditForm(request.POST or None, initial={"subject": mail.subject, "body": mail.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_edit(mail=mail, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The mail to {mail.to_email} is changed.")
            return redirect("outbox:batch", edition_slug=edition.slug, batch_id=mail.batch_id)
    status = 400 if form.errors else 200
    return render(request, "outbox/mail_edit.html", {"mail": mail, "form": form}, status=status)


@edition_action
def mail_remove(request: AuthenticatedHttpRequest, edition: Edition, mail_id: int) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    mail = _mail(request.user, edition, mail_id)
    with refusal_as_message(request):
        services.mail_remove(mail=mail, by=request.user)
        messages.success(request, f"The mail to {mail.to_email} is taken out of the batch.")
    if mail.batch_id is None:
        return redirect("outbox:mail", edition_slug=edition.slug)
    return redirect("outbox:batch", edition_slug=edition.slug, batch_id=mail.batch_id)


@login_required
@edition_view
def template_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    own = set(MailTemplate.objects.filter(edition=edition).values_list("key", flat=True))
    keys = [(key, *key.split("/mail/"), key in own) for key in template_keys()]
    return render(request, "outbox/template_list.html", {"keys": keys})


def _template_key(mail_app: str, mail_name: str) -> str:
    key = f"{mail_app}/mail/{mail_name}"
    if key not in template_keys():
        raise Http404
    return key


@login_required
@edition_view
def template_edit(request: AuthenticatedHttpRequest, edition: Edition, mail_app: str, mail_name: str) -> HttpResponse:
    """Show the default and the edition's wording of one mail with a preview; "Preview" renders
    what is typed, "Save" stores it (refused with the error when it does not render)."""
    require(can_manage_mail(request.user, edition))
    key = _template_key(mail_app, mail_name)
    default_subject, default_body = default_text(key)
    own = MailTemplate.objects.filter(edition=edition, key=key).first()
    current = {"subject": own.subject, "body": own.body} if own else {"subject": default_subject, "body": default_body}
    form = MailTemplateForm(request.POST or None, initial=current)
    preview: tuple[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            if "save" in request.POST:
                services.mail_template_save(edition=edition, key=key, by=request.user, **form.cleaned_data)
                messages.success(request, f"{edition.name} now uses its own wording of this mail.")
                return redirect("outbox:template", edition_slug=edition.slug, mail_app=mail_app, mail_name=mail_name)
            preview = render_checked(form.cleaned_data["subject"], form.cleaned_data["body"], sample_context(edition))
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_bound:  # the wording in use, with made-up values
        preview = render_checked(current["subject"], current["body"], sample_context(edition))
    context = {
        "key": key,
        "mail_app": mail_app,
        "mail_name": mail_name,
        "own": own,
        "form": form,
        "preview": preview,
        "default_subject": default_subject,
        "default_body": default_body,
    }
    return render(request, "outbox/template_edit.html", context, status=400 if form.errors else 200)


@edition_action
def template_reset(request: AuthenticatedHttpRequest, edition: Edition, mail_app: str, mail_name: str) -> HttpResponse:
    require(can_manage_mail(request.user, edition))
    key = _template_key(mail_app, mail_name)
    if services.mail_template_reset(edition=edition, key=key, by=request.user):
        messages.success(request, "This mail is back to its default wording.")
    return redirect("outbox:template", edition_slug=edition.slug, mail_app=mail_app, mail_name=mail_name)


# --- The composer --------------------------------------------------------------------------


@login_required
@edition_view
def compose(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """Write a mail to a recipient set: "Preview" renders the first mails exactly as they will be
    sent, "Queue as held batch" stores one mail per recipient in a batch to release."""
    require(can_manage_mail(request.user, edition))
    initial = {"recipient_set": request.GET.get("recipients", "")}
    chosen = recipient_set(initial["recipient_set"])
    start = chosen.starting_text(request.GET.get("start", "")) if chosen else None
    if start is not None:  # "Start from": the set's text, to edit before the preview
        initial |= {"subject": start.subject, "body": start.body}
    form = ComposeForm(request.POST or None, initial=initial)
    composition = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "edition": edition,
            "recipient_set_key": data["recipient_set"],
            "subject": data["subject"],
            "body": data["body"],
            "essential": data["essential"],
            "by": request.user,
        }
        try:
            if "queue" in request.POST:
                batch = composer.mail_compose_queue(**arguments, name=data["name"])
                count = held_count(request.user, batch)
                messages.success(
                    request, f"{count} mail{'s' if count != 1 else ''} held in {batch.name}: read them, then release."
                )
                return redirect("outbox:batch", edition_slug=edition.slug, batch_id=batch.pk)
            composition = composer.mail_compose(**arguments)
        except ValidationError as error:
            form.add_error(None, error)
    context = {"form": form, "composition": composition, "sets": recipient_sets()}
    return render(request, "outbox/compose.html", context, status=400 if form.errors else 200)


# --- Non-essential mail: the profile's choice and the signed unsubscribe link ---------------


@login_required
def mail_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None  # an unticked box posts nothing
    form = MailPreferenceForm(posted, initial={"no_non_essential": opted_out_user(request.user)})
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["no_non_essential"]
        mail_opt_out_set(user=request.user, opted_out=wanted, by=request.user)
        messages.success(
            request, "You get no more non-essential mail." if wanted else "You get non-essential mail again."
        )
        return redirect("mail_preferences:preference")
    return render(request, "outbox/mail_preference.html", {"form": form}, status=400 if form.errors else 200)


def unsubscribe(request: HttpRequest, signed: str) -> HttpResponse:
    """The link at the foot of a non-essential mail: no login. A GET asks (a mail scanner that
    follows links changes nothing), the POST opts the address out."""
    email = read_unsubscribe_token(signed)
    if email is None:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        mail_opt_out_address(email)
        done = True
    return render(request, "outbox/unsubscribe.html", {"email": email, "done": done})
