"""REST endpoint for a reviewer's paper: what the reviewer's page shows, without authors."""

from __future__ import annotations

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from conferences.scoping import EditionScopedAPIMixin
from reviews import (
    author_api,
    configuration_api,
    discussion_api,
    external_api,
    quality_api,
    reading_api,
    review_types_api,
    writing_api,
)
from reviews.export_views import api_urlpatterns as export_api_urlpatterns
from reviews.selectors import paper_for_reviewer
from submissions.models import Submission


class ReviewerPaperSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = ("number", "title", "abstract", "topic", "keywords")


class ReviewerPaperView(EditionScopedAPIMixin, generics.RetrieveAPIView):
    """One paper committed to the signed-in reviewer (or any paper, for a chair not conflicted
    with it): no authors (double-blind). Anyone else gets the 404 of a missing paper."""

    serializer_class = ReviewerPaperSerializer
    permission_classes = (IsAuthenticated,)
    queryset = Submission.objects.none()

    def get_object(self) -> Submission:
        return paper_for_reviewer(self.request.user, self.policy_subject(), int(self.kwargs["number"]))


urlpatterns = [
    path(
        "editions/<slug:edition_slug>/papers-to-review/<int:number>/",
        ReviewerPaperView.as_view(),
        name="paper-to-review-detail",
    ),
    *quality_api.urlpatterns,
    *reading_api.urlpatterns,
    *configuration_api.urlpatterns,
    *writing_api.urlpatterns,
    *author_api.urlpatterns,
    *discussion_api.urlpatterns,
    *external_api.urlpatterns,
    *export_api_urlpatterns,
    *review_types_api.urlpatterns,
]
