"""The reviewer's page where a review (or meta-review) is written: the form, its buttons (which
work without JavaScript; ``reviews/review_form.js`` adds the automatic saving of drafts through
the API), the offline text form to download and upload back, and the history of submitted
versions. Saving is :func:`reviews.services.review_save`; these views only translate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import NOT_FOUND
from reviews.models import FieldType, FormKind, Review, ReviewField
from reviews.offline import OFFLINE_FORM_MAX_BYTES, parse_offline, render_offline
from reviews.policy import can_write_review
from reviews.selectors import form_fields, paper_for_reviewer, paper_reviews, round_closes_at
from reviews.visibility import reviewer_shown_as
from reviews.writing import FORM_SLUGS, answers_from_post, field_views, open_and_save, paper_to_write, review_or_blank

FORMS_BY_SLUG = {slug: kind for kind, slug in FORM_SLUGS.items()}


def _form_kind(slug: str) -> FormKind:
    if slug not in FORMS_BY_SLUG:
        raise Http404(NOT_FOUND)
    return FORMS_BY_SLUG[slug]


def _page_name(form: FormKind) -> str:
    return "reviews:write_meta_review" if form == FormKind.META else "reviews:write_review"


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _in_form(review: Review, fields: list[ReviewField]) -> dict[str, Any]:
    """The saved answers to the questions still asked (retired ones are kept by the service)."""
    keys = {item.key for item in fields}
    return {key: value for key, value in review.answers.items() if key in keys}


@login_required
@edition_view
def write(request: AuthenticatedHttpRequest, edition: Edition, number: int, form: str = "review") -> HttpResponse:
    kind = _form_kind(form)
    submission = paper_to_write(request.user, edition, number, kind)
    review = review_or_blank(request.user, submission, kind)
    fields = form_fields(edition, kind)
    verdict = can_write_review(request.user, review)
    answers = _in_form(review, fields)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not verdict:
            messages.error(request, f"Not saved: {verdict.reason}")
            return redirect(_page_name(kind), edition_slug=edition.slug, number=number)
        answers = answers_from_post(fields, request.POST)
        submit = request.POST.get("action") in ("submit", "update") or review.is_submitted
        try:
            saved = open_and_save(request.user, submission, review, kind, answers, submit)
        except ValidationError as error:
            errors = _errors_of(error)
            messages.error(request, "Not saved: please correct the answers marked below. Nothing you wrote is lost.")
        else:
            if saved.version > review.version:
                what = "updated" if review.is_submitted else "submitted"
                messages.success(request, f"Your {FORM_SLUGS[kind]} is {what} (version {saved.version}).")
            else:
                messages.success(request, "Your draft is saved.")
            return redirect(_page_name(kind), edition_slug=edition.slug, number=number)
    context = {
        "submission": submission,
        "review": review,
        "form_kind": kind,
        "form_slug": FORM_SLUGS[kind],
        "is_meta": kind == FormKind.META,
        "fields": field_views(fields, answers, errors),
        "form_errors": errors.get("__all__", []),
        "verdict": verdict,
        "closes_at": round_closes_at(review.round),
        "api_url": reverse(
            "api:my-meta-review" if kind == FormKind.META else "api:my-review",
            kwargs={"edition_slug": edition.slug, "number": number},
        ),
        "offline_max_kb": OFFLINE_FORM_MAX_BYTES // 1024,
    }
    return render(request, "reviews/review_form.html", context, status=400 if errors else 200)


@login_required
@edition_view
def offline(request: AuthenticatedHttpRequest, edition: Edition, number: int, form: str = "review") -> HttpResponse:
    """GET: the form as text, with what is saved filled in. POST (``file``, ``submit``): read the
    filled-in form and save it as a draft or submit it; nothing is saved if anything is wrong."""
    kind = _form_kind(form)
    submission = paper_to_write(request.user, edition, number, kind)
    review = review_or_blank(request.user, submission, kind)
    fields = form_fields(edition, kind)
    page = redirect(_page_name(kind), edition_slug=edition.slug, number=number)
    if request.method != "POST":
        text = render_offline(
            submission, fields, _in_form(review, fields), form=kind, closes_at=round_closes_at(review.round)
        )
        name = f"{edition.slug}-paper-{submission.number}-{FORM_SLUGS[kind]}.txt"
        return HttpResponse(
            text,
            content_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose the filled-in form to upload.")
        return page
    verdict = can_write_review(request.user, review)
    if not verdict:
        messages.error(request, f"Not saved: {verdict.reason}")
        return page
    submit = bool(request.POST.get("submit")) or review.is_submitted
    labels = {item.key: item.label for item in fields}
    try:
        parsed = parse_offline(upload.read(OFFLINE_FORM_MAX_BYTES + 1), fields, submission)
        merged = {key: value for key, value in {**_in_form(review, fields), **parsed}.items() if value is not None}
        saved = open_and_save(request.user, submission, review, kind, merged, submit)
    except ValidationError as error:
        problems = [
            message if key == "__all__" else f'"{labels.get(key, key)}": {message}'
            for key, found in _errors_of(error).items()
            for message in found
        ]
        messages.error(request, "The uploaded form was not saved. " + " ".join(problems))
        return page
    if saved.is_submitted:
        messages.success(
            request, f"The uploaded form is saved: your {FORM_SLUGS[kind]} is submitted (version {saved.version})."
        )
    else:
        messages.success(request, "The uploaded form is saved as your draft.")
    return page


@login_required
@edition_view
def history(request: AuthenticatedHttpRequest, edition: Edition, number: int, review_id: int) -> HttpResponse:
    """Every submitted version of a review: for its writer and the chairs handling the paper."""
    submission = paper_for_reviewer(request.user, edition, number)
    review = get_object_or_404(
        Review.objects.select_related("round", "reviewer", "submission__edition"), pk=review_id, submission=submission
    )
    access = access_for(request.user, edition)
    if not (access.pk == review.reviewer_id or access.manages(submission)):
        raise Http404(NOT_FOUND)
    fields = form_fields(edition, review.form_kind, with_retired=True)
    versions = list(review.versions.order_by("-version"))
    rows = []
    for index, version in enumerate(versions):
        earlier = versions[index + 1].answers if index + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "answers": [
                    {
                        "field": item,
                        "shown": _shown(item, version.answers.get(item.key)),
                        "changed": earlier is not None and earlier.get(item.key) != version.answers.get(item.key),
                    }
                    for item in fields
                    if item.key in version.answers or not item.retired
                ],
            }
        )
    context = {
        "submission": submission,
        "review": review,
        "writer": reviewer_shown_as(access, paper_reviews(submission), review),
        "is_mine": access.pk == review.reviewer_id,
        "rows": rows,
    }
    return render(request, "reviews/review_history.html", context)


def _shown(item: ReviewField, value: Any) -> str:
    if value is None or value == "":
        return ""
    if item.type == FieldType.CHECKBOX:
        return "Yes" if value else "No"
    if item.type in (FieldType.SCORE, FieldType.CHOICE):
        label = item.level_labels.get(value)
        if item.type == FieldType.SCORE:
            return f"{value} {label}" if label else str(value)
        return str(label or value)
    return str(value)
