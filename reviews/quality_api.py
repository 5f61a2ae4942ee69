"""REST endpoints of review quality: rating a review (the signed-in person's rating, set, changed
or removed, and for the review's writer and the chairs the counts of each rating, never who gave
them), and the chairs' review statistics (the data of the statistics page)."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import require
from reviews import quality
from reviews.models import Rating, Review
from reviews.policy import can_rate_review
from reviews.quality_views import review_to_rate
from reviews.selectors import paper_reviews
from reviews.statistics import review_statistics


class RatingInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)


class ReviewRatingSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    can_rate = serializers.BooleanField()
    rating = serializers.CharField(allow_null=True, help_text="Your rating of the review, if any.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="How many of each rating the review received: for its writer and the chairs only.",
    )


class ReviewRatingView(EditionScopedAPIMixin, APIView):
    """Your rating of a review you may read (404 for any other, as for a missing one). PUT sets
    or changes it, DELETE removes it: the chairs handling the paper and its other reviewers."""

    permission_classes = (IsAuthenticated,)

    def _review(self, review_id: int) -> Review:
        return review_to_rate(self.request.user, self.policy_subject(), review_id)

    def _out(self, review: Review) -> Response:
        facts = quality.rating_facts(self.request.user, paper_reviews(review.submission))[review.pk]
        data = {"review": review.pk, "can_rate": facts.can_rate, "rating": facts.mine, "counts": facts.counts}
        return Response(ReviewRatingSerializer(data).data)

    @extend_schema(tags=["reviews"], responses=ReviewRatingSerializer)
    def get(self, request: Request, edition_slug: str, review_id: int) -> Response:
        return self._out(self._review(review_id))

    @extend_schema(tags=["reviews"], request=RatingInputSerializer, responses=ReviewRatingSerializer)
    def put(self, request: Request, edition_slug: str, review_id: int) -> Response:
        review = self._review(review_id)
        require(can_rate_review(request.user, review))  # a 403 before a 400 for whoever may not rate
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quality.rating_set(by=acting_user(request), review=review, rating=data.validated_data["rating"])
        return self._out(review)

    @extend_schema(tags=["reviews"], responses={204: None})
    def delete(self, request: Request, edition_slug: str, review_id: int) -> Response:
        quality.rating_clear(by=acting_user(request), review=self._review(review_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewerStatisticsSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    most_days_late = serializers.FloatField(allow_null=True)
    median_days_before = serializers.FloatField(allow_null=True, help_text="Negative when late.")
    median_words = serializers.FloatField(allow_null=True, help_text="Words of the text answers.")
    ratings = serializers.DictField(child=serializers.IntegerField())
    bias = serializers.FloatField(allow_null=True, help_text="Points added to a paper's estimated quality.")
    calibrated_reviews = serializers.IntegerField()


class PaperStatisticsSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    reviews = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    calibrated = serializers.FloatField(allow_null=True)
    mean_rank = serializers.IntegerField(allow_null=True)
    calibrated_rank = serializers.IntegerField(allow_null=True)
    component = serializers.IntegerField(allow_null=True)


class ReviewStatisticsSerializer(serializers.Serializer):
    score_field = serializers.CharField(allow_null=True)
    components = serializers.IntegerField()
    ridge = serializers.FloatField()
    reviewers = ReviewerStatisticsSerializer(many=True)
    papers = PaperStatisticsSerializer(many=True)


class ReviewStatisticsView(EditionScopedAPIMixin, APIView):
    """Per-reviewer statistics and calibrated paper scores (chairs): without the papers the
    caller is conflicted with, the calibration included."""

    permission_classes = (IsAuthenticated, policy_permission("can_see_review_statistics"))

    @extend_schema(tags=["reviews"], responses=ReviewStatisticsSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        data = asdict(review_statistics(request.user, self.policy_subject()))
        return Response(ReviewStatisticsSerializer(data).data)


urlpatterns = [
    path(
        "editions/<slug:edition_slug>/reviews/<int:review_id>/rating/",
        ReviewRatingView.as_view(),
        name="review-rating",
    ),
    path(
        "editions/<slug:edition_slug>/review-statistics/",
        ReviewStatisticsView.as_view(),
        name="review-statistics",
    ),
]
