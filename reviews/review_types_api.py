"""REST endpoint of review types: a paper's reviewers with the type of each review (primary,
secondary), for the chairs handling it, who change one with a POST."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import id_field
from mlsys_conf.policy import require
from reviews.policy import can_set_review_type
from reviews.review_types import review_type_set, reviewers_of
from reviews.selectors import paper_for_reviewer
from submissions.models import Submission


class ReviewTypeInputSerializer(serializers.Serializer):
    user = id_field(help_text="The id of a committed reviewer of the paper.")
    secondary = serializers.BooleanField()


class ReviewerTypeSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.display_name")
    type = serializers.CharField(source="kind.value", help_text="primary or secondary")


class ReviewTypesView(EditionScopedAPIMixin, APIView):
    """The paper's reviewers and their review types: the chairs handling the paper (anyone who
    cannot open the paper gets its 404; a reviewer, 403)."""

    permission_classes = (IsAuthenticated,)

    def _paper(self, number: int) -> Submission:
        submission = paper_for_reviewer(self.request.user, self.policy_subject(), number)
        require(can_set_review_type(self.request.user, submission))
        return submission

    def _out(self, submission: Submission) -> Response:
        return Response(ReviewerTypeSerializer(reviewers_of(submission), many=True).data)

    @extend_schema(tags=["reviews"], responses=ReviewerTypeSerializer(many=True))
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return self._out(self._paper(number))

    @extend_schema(tags=["reviews"], request=ReviewTypeInputSerializer, responses=ReviewerTypeSerializer(many=True))
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper(number)
        data = ReviewTypeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review_type_set(
            by=acting_user(request),
            submission=submission,
            user_id=data.validated_data["user"],
            secondary=data.validated_data["secondary"],
        )
        return self._out(submission)


urlpatterns = [
    path(
        "editions/<slug:edition_slug>/papers-to-review/<int:number>/review-types/",
        ReviewTypesView.as_view(),
        name="review-types",
    ),
]
