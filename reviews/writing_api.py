"""REST endpoints of the signed-in reviewer's own review of a paper (and meta-review): read it
with its form, save a draft or submit it (the page's automatic saving uses this), and read the
versions it was submitted as. Anyone not committed to write it gets the 404 of a missing paper."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.policy import require
from reviews.configuration_api import LevelSerializer
from reviews.models import FormKind, Review, ReviewField, ReviewVersion
from reviews.policy import can_write_review
from reviews.selectors import form_fields, round_closes_at
from reviews.writing import FORM_SLUGS, open_and_save, paper_to_write, review_or_blank
from submissions.models import Submission


class WritingFieldSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True, help_text="[value, label] of each level of a score or a choice.")

    class Meta:
        model = ReviewField
        fields = ("key", "label", "help_text", "type", "levels", "min_words", "max_words", "required", "audience")
        read_only_fields = fields


class MyReviewSerializer(serializers.Serializer):
    paper = serializers.IntegerField(help_text="The paper's number.")
    form = serializers.CharField(help_text='"review" or "meta-review".')
    state = serializers.CharField(help_text='"not_started", "draft" or "submitted".')
    version = serializers.IntegerField(help_text="How many times it has been submitted.")
    round = serializers.CharField()
    closes_at = serializers.DateTimeField(allow_null=True, help_text="The round's deadline.")
    can_write = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="Why it cannot be changed now, if it cannot.")
    answers = serializers.DictField(child=serializers.JSONField(), help_text="Answers by field key.")
    updated_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    last_submitted_at = serializers.DateTimeField(allow_null=True)
    questions = WritingFieldSerializer(many=True, help_text="The questions of the form, in order.")


class MyReviewInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="Every answer by field key (left out: cleared). Scores and choices by value, checkboxes as booleans.",
    )
    submit = serializers.BooleanField(
        default=False,
        help_text="Submit (needs every required answer). A submitted review is updated by any save (a new version).",
    )


class MyReviewVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewVersion
        fields = ("version", "submitted_at", "answers")


class MyReviewMixin(EditionScopedAPIMixin):
    form_kind = FormKind.REVIEW

    def _paper_and_review(self) -> tuple[Submission, Review]:
        submission = paper_to_write(
            self.request.user, self.policy_subject(), int(self.kwargs["number"]), self.form_kind
        )
        return submission, review_or_blank(self.request.user, submission, self.form_kind)


class MyReviewView(MyReviewMixin, APIView):
    """Your review of paper n (a blank one, state "not_started", until you save it). PUT saves
    all the answers as a draft, or submits them with ``"submit": true``; a 400 gives the
    problems by field key under ``answers``."""

    permission_classes = (IsAuthenticated,)

    def _out(self, review: Review, fields: list[ReviewField]) -> Response:
        verdict = can_write_review(self.request.user, review)
        data = {
            "paper": review.submission.number,
            "form": FORM_SLUGS[self.form_kind],
            "state": review.state if review.pk else "not_started",
            "version": review.version,
            "round": review.round.name,
            "closes_at": round_closes_at(review.round),
            "can_write": bool(verdict),
            "reason": "" if verdict else verdict.reason,
            "answers": review.answers,
            "updated_at": review.updated_at,
            "submitted_at": review.submitted_at,
            "last_submitted_at": review.last_submitted_at,
            "questions": fields,
        }
        return Response(MyReviewSerializer(data).data)

    @extend_schema(tags=["reviews"], responses=MyReviewSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        _submission, review = self._paper_and_review()
        return self._out(review, form_fields(self.policy_subject(), self.form_kind))

    @extend_schema(tags=["reviews"], request=MyReviewInputSerializer, responses=MyReviewSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        submission, review = self._paper_and_review()
        data = MyReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        require(can_write_review(user, review))  # a closed window: 403 with its reason, before the answers
        answers: dict[str, Any] = data.validated_data["answers"]
        try:
            saved = open_and_save(user, submission, review, self.form_kind, answers, data.validated_data["submit"])
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            raise serializers.ValidationError({"answers": problems}) from error
        saved.refresh_from_db()
        return self._out(saved, form_fields(self.policy_subject(), self.form_kind))


class MyReviewVersionsView(MyReviewMixin, APIView):
    """The versions of your review of paper n, one per submission, oldest first."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=MyReviewVersionSerializer(many=True))
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        _submission, review = self._paper_and_review()
        versions = review.versions.order_by("version") if review.pk else ReviewVersion.objects.none()
        return Response(MyReviewVersionSerializer(versions, many=True).data)


class MyMetaReviewView(MyReviewView):
    """Your meta-review of paper n (area chairs): as for a review, with the meta-review form."""

    form_kind = FormKind.META


class MyMetaReviewVersionsView(MyReviewVersionsView):
    form_kind = FormKind.META


BASE = "editions/<slug:edition_slug>/papers-to-review/<int:number>/"
urlpatterns = [
    path(BASE + "review/", MyReviewView.as_view(), name="my-review"),
    path(BASE + "review/versions/", MyReviewVersionsView.as_view(), name="my-review-versions"),
    path(BASE + "meta-review/", MyMetaReviewView.as_view(), name="my-meta-review"),
    path(BASE + "meta-review/versions/", MyMetaReviewVersionsView.as_view(), name="my-meta-review-versions"),
]
