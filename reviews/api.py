"""REST endpoint for a reviewer's paper: what the reviewer's page shows, without authors."""

from __future__ import annotations

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from conferences.scoping import EditionScopedAPIMixin
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
]
