"""REST endpoints of the pages that span the apps: the figures of the chairs' statistics page."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from site_pages.statistics import as_data, edition_statistics


class DayCountSerializer(serializers.Serializer):
    day = serializers.DateField()
    values = serializers.DictField(child=serializers.IntegerField(), help_text="Counted up to this day, by series.")


class MarkerSerializer(serializers.Serializer):
    name = serializers.CharField()
    day = serializers.DateField()


class TimelineSerializer(serializers.Serializer):
    series = serializers.ListField(child=serializers.CharField())
    days = DayCountSerializer(many=True)
    markers = MarkerSerializer(many=True, help_text="The deadlines within the days shown.")


class BarSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    values = serializers.DictField(child=serializers.FloatField(), help_text="By series.")


class BarsSerializer(serializers.Serializer):
    series = serializers.ListField(child=serializers.CharField())
    bars = BarSerializer(many=True)


class AreaRateSerializer(serializers.Serializer):
    area = serializers.CharField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Percent of the decided papers accepted.")


class EditionStatisticsSerializer(serializers.Serializer):
    submissions_over_time = TimelineSerializer()
    submissions_by_area = BarsSerializer()
    score_field = serializers.CharField(allow_null=True)
    scores = BarsSerializer(help_text="Submitted reviews per score level, overall and by reviewer area.")
    acceptance = AreaRateSerializer(many=True)
    reviewer_load = BarsSerializer(help_text="How many reviewers have each number of papers assigned.")
    completion = TimelineSerializer()
    review_length = BarsSerializer(help_text="Submitted reviews per bin of words.")
    conflicted_papers = serializers.IntegerField(help_text="Papers left out of the review figures (your conflicts).")


class EditionStatisticsView(EditionScopedAPIMixin, APIView):
    """The figures of the chairs' statistics page: submission counts cover every paper, the review
    and decision figures leave out the papers the caller is conflicted with."""

    permission_classes = (IsAuthenticated, policy_permission("can_see_review_statistics"))

    @extend_schema(tags=["statistics"], responses=EditionStatisticsSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        data = as_data(edition_statistics(request.user, self.policy_subject()))
        return Response(EditionStatisticsSerializer(data).data)


urlpatterns = [
    path("editions/<slug:edition_slug>/statistics/", EditionStatisticsView.as_view(), name="edition-statistics"),
]
