"""REST endpoints of the authors' view of their paper's reviews, and of their response: what the
page ``papers/<n>/reviews/`` shows and saves, under the same rules (only the paper's authors;
anyone else gets the 404 of a missing paper; reviews after the release only, author-visible
fields only, labels never names; the word limit enforced here too, a 400 saying by how much)."""

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
from conferences.access import access_of
from conferences.scoping import EditionScopedAPIMixin
from reviews.author_views import paper_for_author
from reviews.responses import (
    NOT_RELEASED,
    ReviewForAuthors,
    can_respond,
    response_save,
    responses_of,
    responses_visible_to,
    reviews_for_authors,
)
from reviews.selectors import paper_reviews
from submissions.models import Submission


class AuthorAnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    value = serializers.JSONField(help_text="As stored: a score's or choice's value, a text, a boolean.")
    display = serializers.CharField(help_text='As shown: "4 Weak accept" for a score, the text itself.')


class AuthorReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    label = serializers.CharField(help_text='"Reviewer A", ... or "Meta-review": never a name.')  # type: ignore[assignment]
    is_meta = serializers.BooleanField()
    updated_at = serializers.DateTimeField()
    answers = AuthorAnswerSerializer(many=True, help_text="Only the fields meant for the authors.")


class AuthorReviewsSerializer(serializers.Serializer):
    paper = serializers.IntegerField(help_text="The paper's number.")
    released = serializers.BooleanField(help_text="Whether the chairs have released the reviews to the authors.")
    message = serializers.CharField(allow_blank=True, help_text="What the page says before the release.")
    reviews = AuthorReviewSerializer(many=True)


class AuthorResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    review = serializers.IntegerField(
        source="response.review_id", allow_null=True, help_text="The review answered (per-review mode), or null."
    )
    to = serializers.CharField(help_text='"the paper", or the review\'s label ("Reviewer A").')
    body = serializers.CharField(allow_blank=True)
    state = serializers.CharField(source="response.state", help_text='"draft" (the authors only) or "submitted".')
    words = serializers.IntegerField()
    updated_at = serializers.DateTimeField(source="response.updated_at")
    submitted_at = serializers.DateTimeField(source="response.submitted_at", allow_null=True)


class AuthorResponsesSerializer(serializers.Serializer):
    paper = serializers.IntegerField()
    can_respond = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="Why the response cannot be changed now, if it cannot.")
    word_limit = serializers.IntegerField()
    per_review = serializers.BooleanField(help_text="One response per review (else one per paper).")
    responses = AuthorResponseSerializer(many=True)


class AuthorResponseInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=200_000)
    submit = serializers.BooleanField(
        default=False, help_text="Submit (the reviewers are told). A submitted response stays submitted."
    )
    review = serializers.IntegerField(
        allow_null=True, required=False, default=None, help_text="The review answered, in per-review mode; else null."
    )


class AuthorPaperMixin(EditionScopedAPIMixin):
    def _paper(self) -> Submission:
        return paper_for_author(self.request.user, self.policy_subject(), int(self.kwargs["number"]))


def _review_out(item: ReviewForAuthors) -> dict[str, Any]:
    return {
        "pk": item.pk,
        "label": item.label,
        "is_meta": item.is_meta,
        "updated_at": item.updated_at,
        "answers": item.answers,
    }


class AuthorReviewsView(AuthorPaperMixin, APIView):
    """The reviews of your paper n as its authors see them: nothing before the chairs release
    them; then the submitted reviews and meta-reviews, with the fields meant for authors only."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=AuthorReviewsSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper()
        paper = paper_reviews(submission)
        access = access_of(request.user, submission.edition)
        data = {
            "paper": submission.number,
            "released": paper.released_to_authors,
            "message": "" if paper.released_to_authors else NOT_RELEASED,
            "reviews": [_review_out(item) for item in reviews_for_authors(access, paper)],
        }
        return Response(AuthorReviewsSerializer(data).data)


class AuthorResponseView(AuthorPaperMixin, APIView):
    """Your response(s) to the reviews of paper n, drafts included. PUT saves one (``review``:
    the review answered in per-review mode, else null) as a draft, or submits it; over the word
    limit it is a 400 with "At most N words (this has M)" under ``body``, and nothing is saved."""

    permission_classes = (IsAuthenticated,)

    def _out(self, submission: Submission) -> Response:
        paper = paper_reviews(submission)
        verdict = can_respond(self.request.user, submission, paper)
        access = access_of(self.request.user, submission.edition)
        data = {
            "paper": submission.number,
            "can_respond": bool(verdict),
            "reason": "" if verdict else verdict.reason,
            "word_limit": paper.settings.response_word_limit,
            "per_review": paper.settings.response_per_review,
            "responses": responses_visible_to(access, paper, responses_of(submission)),
        }
        return Response(AuthorResponsesSerializer(data).data)

    @extend_schema(tags=["reviews"], responses=AuthorResponsesSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return self._out(self._paper())

    @extend_schema(tags=["reviews"], request=AuthorResponseInputSerializer, responses=AuthorResponsesSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper()
        data = AuthorResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            response_save(
                by=acting_user(request),
                submission=submission,
                body=values["body"],
                review=values["review"],
                submit=values["submit"],
            )
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"body": error.messages}
            raise serializers.ValidationError(problems) from error
        return self._out(submission)


BASE = "editions/<slug:edition_slug>/submissions/<int:number>/"
urlpatterns = [
    path(BASE + "reviews/", AuthorReviewsView.as_view(), name="author-reviews"),
    path(BASE + "response/", AuthorResponseView.as_view(), name="author-response"),
]
