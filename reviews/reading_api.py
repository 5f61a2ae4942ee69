"""REST endpoints of what the review pages show: a paper's reviews as the caller may see them
(fields filtered, reviewers named or labelled per the visibility rules), the caller's reviewer
dashboard, and the chairs' review progress by area."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from reviews.reading import MyPaper, Progress, my_papers, paper_page_context, review_progress
from reviews.selectors import paper_for_reviewer


class AnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field's label, an output
    type = serializers.CharField(help_text="score, text, choice or checkbox.")
    value = serializers.JSONField(help_text="As stored: a number for a score, a level's value for a choice.")
    display = serializers.CharField(help_text='As shown: "4 Weak accept" for a score, plain text otherwise.')
    pc_only = serializers.BooleanField(help_text="Never shown to authors.")
    retired = serializers.BooleanField(help_text="No longer asked; the answer given is kept.")


class ShownReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reviewer = serializers.CharField(
        source="shown_as", help_text='The name where you may know it, else a label: "Reviewer A (Systems)".'
    )
    area = serializers.CharField(help_text='"systems", "ml" or "" (meta-reviews).')
    kind = serializers.CharField(source="review.kind")
    round = serializers.CharField(source="review.round.name")
    state = serializers.CharField(source="review.state", help_text="Only your own review can be a draft.")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    is_own = serializers.BooleanField()
    answers = AnswerSerializer(many=True)


class PaperReviewsSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    sees_reviews = serializers.BooleanField(help_text="Whether you see the paper's submitted reviews.")
    waiting = serializers.CharField(help_text="Why you do not see the other reviews yet, if so.")
    score_field = serializers.CharField()
    mean_score = serializers.FloatField(allow_null=True, help_text="Only when you see the reviews.")
    meta_reviews = ShownReviewSerializer(many=True)
    systems = ShownReviewSerializer(many=True)
    ml = ShownReviewSerializer(many=True)
    other = ShownReviewSerializer(many=True)


class PaperReviewsView(EditionScopedAPIMixin, APIView):
    """The reviews of paper ``number`` as you may see them (as its reviewer's page shows them):
    the answers you may read, the reviewers named or labelled. Whoever may not open the paper
    as its reviewer (or as a chair not conflicted with it) gets the 404 of a missing paper."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=PaperReviewsSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = paper_for_reviewer(request.user, self.policy_subject(), number)
        display = paper_page_context(request.user, submission)["display"]
        data: dict[str, Any] = {
            "number": submission.number,
            "sees_reviews": display.sees_reviews,
            "waiting": display.waiting,
            "score_field": display.score_label,
            "mean_score": display.mean_score,
            "meta_reviews": display.meta,
            "systems": display.systems,
            "ml": display.ml,
            "other": display.other,
        }
        return Response(PaperReviewsSerializer(data).data)


class MyPaperSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="submission.number")
    title = serializers.CharField(source="submission.title")
    kind = serializers.CharField(help_text="review or meta_review.")
    status = serializers.CharField(help_text="not_started, draft, submitted or late.")
    status_label = serializers.CharField()
    version = serializers.IntegerField(source="review.version", allow_null=True, default=None)
    closes_at = serializers.DateTimeField(allow_null=True, help_text="The deadline of the review's round.")
    has_pdf = serializers.BooleanField()


class MyReviewsView(EditionScopedAPIMixin, APIView):
    """Your reviewer dashboard: the papers committed to you for review or meta-review, each with
    the state of your review and its round's deadline."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=MyPaperSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        papers: list[MyPaper] = my_papers(request.user, self.policy_subject())
        return Response(MyPaperSerializer(papers, many=True).data)


class ProgressSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="submission.number")
    title = serializers.CharField(source="submission.title")
    systems = serializers.IntegerField(help_text="Submitted Systems reviews.")
    systems_assigned = serializers.IntegerField()
    ml = serializers.IntegerField(help_text="Submitted ML reviews.")
    ml_assigned = serializers.IntegerField()
    meta = serializers.IntegerField(help_text="Submitted meta-reviews.")
    meta_assigned = serializers.IntegerField()
    missing_areas = serializers.ListField(child=serializers.CharField())


class ProgressQuerySerializer(serializers.Serializer):
    missing = serializers.BooleanField(required=False, default=False, help_text="Only papers missing an area.")


class ReviewProgressView(EditionScopedAPIMixin, APIView):
    """The chairs' review progress: each paper's submitted reviews by area against those
    assigned, without the papers the caller is conflicted with."""

    permission_classes = (IsAuthenticated, policy_permission("can_manage_edition"))

    @extend_schema(tags=["reviews"], parameters=[ProgressQuerySerializer], responses=ProgressSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows: list[Progress] = review_progress(
            request.user, self.policy_subject(), missing_only=query.validated_data["missing"]
        )
        return Response(ProgressSerializer(rows, many=True).data)


urlpatterns = [
    path(
        "editions/<slug:edition_slug>/papers-to-review/<int:number>/reviews/",
        PaperReviewsView.as_view(),
        name="paper-reviews",
    ),
    path("editions/<slug:edition_slug>/my-reviews/", MyReviewsView.as_view(), name="reviewer-dashboard"),
    path("editions/<slug:edition_slug>/review-progress/", ReviewProgressView.as_view(), name="review-progress"),
]
