"""The chairs' pages for configuring joint review: the review and meta-review forms (add, edit,
reorder, remove fields) and the review settings with the review rounds. The services in
:mod:`reviews.configuration` decide and log; these pages read the forms and show the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from reviews import configuration
from reviews.forms import FieldForm, ReviewSettingsForm, RoundForm
from reviews.models import FieldType, FormKind, ReviewField, ReviewRound
from reviews.policy import can_configure_reviews
from reviews.selectors import current_round, form_fields, review_form, round_closes_at, settings_of

TEMPLATES = "reviews/configuration"


def _kind(kind: str) -> FormKind:
    if kind not in FormKind.values:
        raise Http404("Not found.")
    return FormKind(kind)


def _field(edition: Edition, kind: str, key: str) -> ReviewField:
    form = review_form(edition, _kind(kind))  # the default form, made the first time
    return get_object_or_404(ReviewField.objects.select_related("form__edition"), form=form, key=key)


def _to_form(edition: Edition, kind: str) -> HttpResponse:
    return redirect("reviews:form", edition_slug=edition.slug, kind=kind)


def _form_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal, shown next to the field it is about when the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@edition_view
def form_page(request: AuthenticatedHttpRequest, edition: Edition, kind: str = FormKind.REVIEW) -> HttpResponse:
    """The form's fields in order, with a form to add one at the end."""
    require(can_configure_reviews(request.user, edition))
    form_kind = _kind(kind)
    add = FieldForm(request.POST or None)
    if request.method == "POST" and add.is_valid():
        try:
            field = configuration.field_add(by=request.user, edition=edition, kind=form_kind, **add.values())
        except ValidationError as error:
            _form_errors(add, error)
        else:
            messages.success(request, f'Field "{field.label}" added (key {field.key}).')
            return _to_form(edition, form_kind)
    fields = form_fields(edition, form_kind, with_retired=True)
    counts = configuration.answer_counts(fields)
    asked = [field for field in fields if not field.retired]
    context = {
        "kind": form_kind,
        "kinds": FormKind,
        "asked": [(field, counts[field.key]) for field in asked],
        "retired": [(field, counts[field.key]) for field in fields if field.retired],
        "add": add,
        "levelled": (FieldType.SCORE, FieldType.CHOICE),
    }
    return render(request, f"{TEMPLATES}/form.html", context)


@login_required
@edition_view
def field_edit(request: AuthenticatedHttpRequest, edition: Edition, kind: str, key: str) -> HttpResponse:
    require(can_configure_reviews(request.user, edition))
    field = _field(edition, kind, key)
    form = FieldForm(request.POST or None, field=field)
    if request.method == "POST" and form.is_valid():
        try:
            configuration.field_change(by=request.user, field=field, **form.values())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f'Field "{form.cleaned_data["label"]}" saved.')
            return _to_form(edition, kind)
    context = {"kind": FormKind(kind), "field": field, "form": form, "answers": configuration.answer_count(field)}
    return render(request, f"{TEMPLATES}/field.html", context)


@edition_action
def field_move(request: AuthenticatedHttpRequest, edition: Edition, kind: str, key: str) -> HttpResponse:
    """One place up or down (buttons on the form page)."""
    require(can_configure_reviews(request.user, edition))
    field = _field(edition, kind, key)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        messages.error(request, "Move a field up or down.")
        return _to_form(edition, kind)
    with refusal_as_message(request):
        asked = [f.pk for f in form_fields(edition, FormKind(kind))]
        if field.pk in asked:
            configuration.field_move(by=request.user, field=field, to=asked.index(field.pk) + 1 + step)
        else:
            raise ValidationError("This field is no longer asked.")
    return _to_form(edition, kind)


@edition_action
def field_remove(request: AuthenticatedHttpRequest, edition: Edition, kind: str, key: str) -> HttpResponse:
    require(can_configure_reviews(request.user, edition))
    field = _field(edition, kind, key)
    with refusal_as_message(request):
        if configuration.field_remove(by=request.user, field=field):
            messages.success(request, f'Field "{field.label}" deleted (nobody had answered it).')
        else:
            messages.success(
                request,
                f'Field "{field.label}" retired: it is no longer asked; the answers given are kept on the reviews.',
            )
    return _to_form(edition, kind)


@edition_action
def field_restore(request: AuthenticatedHttpRequest, edition: Edition, kind: str, key: str) -> HttpResponse:
    require(can_configure_reviews(request.user, edition))
    field = _field(edition, kind, key)
    with refusal_as_message(request):
        configuration.field_restore(by=request.user, field=field)
        messages.success(request, f'Field "{field.label}" is asked again, at the end of the form.')
    return _to_form(edition, kind)


def _rounds(edition: Edition) -> list[tuple[ReviewRound, Any, bool]]:
    """Each round with the moment it closes and whether that is its own deadline."""
    current_round(edition)  # R1 is there from the start
    rounds = ReviewRound.objects.filter(edition=edition).select_related("edition")
    return [(each, round_closes_at(each), each.closes_at is not None) for each in rounds]


@login_required
@edition_view
def settings_page(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """Visibility, the author response and reminders; the rounds, with a form to add one."""
    require(can_configure_reviews(request.user, edition))
    current = settings_of(edition)
    form = ReviewSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            configuration.settings_change(
                by=request.user, edition=edition, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Review settings saved.")
            return redirect("reviews:settings", edition_slug=edition.slug)
    context = {
        "form": form,
        "rounds": _rounds(edition),
        "round_form": RoundForm(initial={"name": configuration.next_round_name(edition)}),
    }
    return render(request, f"{TEMPLATES}/settings.html", context)


@edition_action
def round_add(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_configure_reviews(request.user, edition))
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reviews:settings", edition_slug=edition.slug)
    with refusal_as_message(request):
        added = configuration.round_add(by=request.user, edition=edition, **form.cleaned_data)
        messages.success(request, f"Round {added.name} added: reviews started from now on belong to it.")
    return redirect("reviews:settings", edition_slug=edition.slug)


@login_required
@edition_view
def round_edit(request: AuthenticatedHttpRequest, edition: Edition, round_id: int) -> HttpResponse:
    require(can_configure_reviews(request.user, edition))
    review_round = get_object_or_404(ReviewRound.objects.select_related("edition"), edition=edition, pk=round_id)
    form = RoundForm(request.POST or None, initial={"name": review_round.name, "closes_at": review_round.closes_at})
    if request.method == "POST" and form.is_valid():
        try:
            configuration.round_change(by=request.user, review_round=review_round, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Round {form.cleaned_data['name']} saved.")
            return redirect("reviews:settings", edition_slug=edition.slug)
    context = {"review_round": review_round, "form": form, "closes_at": round_closes_at(review_round)}
    return render(request, f"{TEMPLATES}/round.html", context)
