"""The chairs' export of an edition's reviews: one row per submitted review the chair may see,
as CSV (a page's download) and as JSON (its API twin).

Every row, name and answer passes through :mod:`reviews.visibility`: a chair conflicted with a
paper gets no row of it, reviewers are named as the chair may know them, and only the fields the
chair may read are filled in.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_of
from conferences.models import Edition
from conferences.scoping import EditionScopedAPIMixin, edition_view
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import require
from reviews.models import FormKind, ReviewField
from reviews.policy import can_see_review_statistics
from reviews.reading import AREA_WORDS, display_answer, edition_fields
from reviews.selectors import papers_reviews
from reviews.visibility import can_view_review, reviewer_shown_as, visible_fields
from submissions.models import Submission

FIXED_COLUMNS = ("number", "title", "reviewer", "area", "round", "kind", "version")


@dataclass(frozen=True)
class ExportRow:
    number: int
    title: str
    reviewer: str  # the name where the caller may know it, else the label
    area: str
    round: str
    kind: str
    version: int
    answers: dict[str, str]  # "<form>.<key>" -> the answer as shown, for the fields the caller may read


def _column(kind: str, item: ReviewField) -> str:
    return f"{'meta' if kind == FormKind.META else 'review'}.{item.key}"


def answer_columns(fields: dict[str, list[ReviewField]]) -> list[str]:
    """One column per question of both forms (retired ones too: their answers are kept)."""
    return [_column(kind, item) for kind in (FormKind.REVIEW, FormKind.META) for item in fields.get(kind, [])]


def review_rows(user: Any, edition: Edition) -> tuple[list[str], list[ExportRow]]:
    """The columns and the rows of the export, by paper number then review (a fixed number of
    queries)."""
    access = access_of(user, edition)
    fields = edition_fields(edition)
    papers = Submission.objects.filter(edition=edition).select_related("edition").order_by("number")
    rows = []
    for paper in papers_reviews(papers).values():
        for review in paper.submitted:
            if not can_view_review(access, paper, review):
                continue
            answers = {}
            for item in visible_fields(access, paper, fields.get(review.form_kind, [])):
                value = review.answers.get(item.key)
                if value is not None and value != "":
                    answers[_column(review.form_kind, item)] = display_answer(item, value)
            area = "" if review.is_meta else review.area or paper.reviewers.get(review.reviewer_id, "")
            rows.append(
                ExportRow(
                    number=paper.submission.number,
                    title=paper.submission.title,
                    reviewer=reviewer_shown_as(access, paper, review),
                    area=AREA_WORDS.get(area, area),
                    round=review.round.name if review.round else "",
                    kind=review.kind,
                    version=review.version,
                    answers=answers,
                )
            )
    return [*FIXED_COLUMNS, *answer_columns(fields)], rows


@login_required
@edition_view
def export_csv(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_see_review_statistics(request.user, edition))
    columns, rows = review_rows(request.user, edition)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-reviews.csv"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        fixed = [row.number, row.title, row.reviewer, row.area, row.round, row.kind, row.version]
        writer.writerow(fixed + [row.answers.get(column, "") for column in columns[len(FIXED_COLUMNS) :]])
    return response


class ExportRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    reviewer = serializers.CharField(help_text='The name where you may know it, else a label: "Reviewer A (Systems)".')
    area = serializers.CharField(help_text='"Systems", "ML" or "".')
    round = serializers.CharField()
    kind = serializers.CharField(help_text="primary, secondary, external or meta.")
    version = serializers.IntegerField()
    answers = serializers.DictField(
        child=serializers.CharField(), help_text='"review.<key>" or "meta.<key>" -> the answer as shown.'
    )


class ReviewExportSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = ExportRowSerializer(many=True)


class ReviewExportView(EditionScopedAPIMixin, APIView):
    """The edition's submitted reviews you may see (chairs), one row each, as the CSV export:
    none of the papers you are conflicted with."""

    permission_classes = (IsAuthenticated, policy_permission("can_see_review_statistics"))

    @extend_schema(tags=["reviews"], responses=ReviewExportSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        columns, rows = review_rows(request.user, self.policy_subject())
        return Response(ReviewExportSerializer({"columns": columns, "rows": rows}).data)


api_urlpatterns = [
    path("editions/<slug:edition_slug>/review-export/", ReviewExportView.as_view(), name="review-export"),
]
