"""REST endpoints of a paper's discussion, under the same rules as its pages: the comments the
caller may read (each signed as the caller may know its writer), posting one, changing one's
own, a comment's history, following the paper, and the caller's notification preference.

Whoever may not open the paper's discussion gets the 404 of a missing paper; a comment the
caller may not read answers as a missing one."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.access import access_for
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.limits import COMMENT_MAX_CHARS
from mlsys_conf.policy import require
from reviews import discussion
from reviews.models import Comment, CommentAudience, NotifyMode
from reviews.policy import can_edit_comment, can_post_comment
from reviews.visibility import PaperReviews


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(help_text='As the caller may know them: a name, "Reviewer A (Systems)", "Authors".')
    audience = serializers.ChoiceField(choices=CommentAudience.choices)
    by_authors = serializers.BooleanField()
    body = serializers.CharField(help_text="Markdown with LaTeX math, as written.")
    html = serializers.CharField(help_text="The body rendered and cleaned (MathML for math).")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    earlier_versions = serializers.IntegerField()
    can_edit = serializers.BooleanField()


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_CHARS)
    audience = serializers.ChoiceField(choices=CommentAudience.choices)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_CHARS)


class CommentVersionSerializer(serializers.Serializer):
    body = serializers.CharField()
    saved_at = serializers.DateTimeField(help_text="When this text was written (it was current until the next).")


class CommentHistorySerializer(serializers.Serializer):
    comment = CommentSerializer()
    versions = CommentVersionSerializer(many=True, help_text="Earlier texts, oldest first.")


class FollowSerializer(serializers.Serializer):
    follows = serializers.BooleanField()


class NotificationPreferenceSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=NotifyMode.choices)


def _item_data(item: discussion.CommentItem) -> dict[str, Any]:
    comment = item.comment
    return {
        "id": comment.pk,
        "author": item.shown_as,
        "audience": comment.audience,
        "by_authors": comment.by_authors,
        "body": comment.body,
        "html": str(item.html),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "earlier_versions": item.earlier_versions,
        "can_edit": item.can_edit,
    }


class _DiscussionView(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated,)

    def _paper(self) -> tuple[Any, PaperReviews]:
        return discussion.paper_for_discussion(self.request.user, self.policy_subject(), int(self.kwargs["number"]))

    def _comment_data(self, comment: Comment, paper: PaperReviews) -> dict[str, Any]:
        access = access_for(self.request.user, self.policy_subject())
        fresh = discussion._with_counts(Comment.objects.filter(pk=comment.pk)).get()
        return _item_data(discussion.items_for(access, paper, [fresh])[0])


class CommentListView(_DiscussionView):
    """The paper's comments the caller may read, oldest first (GET); a new comment (POST) to an
    audience the caller may write to."""

    @extend_schema(tags=["reviews"], responses=CommentSerializer(many=True))
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        _submission, paper = self._paper()
        thread = discussion.thread_for(access_for(request.user, self.policy_subject()), paper)
        return Response(CommentSerializer([_item_data(item) for item in thread.comments], many=True).data)

    @extend_schema(tags=["reviews"], request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        submission, paper = self._paper()
        require(can_post_comment(request.user, submission, None, paper))  # a 403 before a 400
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = discussion.comment_post(
            by=acting_user(request),
            submission=submission,
            body=data.validated_data["body"],
            audience=data.validated_data["audience"],
        )
        return Response(CommentSerializer(self._comment_data(comment, paper)).data, status=status.HTTP_201_CREATED)


class CommentDetailView(_DiscussionView):
    """One comment the caller may read (GET); its writer changes its text (PATCH), the earlier
    text kept in its history."""

    @extend_schema(tags=["reviews"], responses=CommentSerializer)
    def get(self, request: Request, edition_slug: str, number: int, comment_id: int) -> Response:
        comment, paper = discussion.comment_for(request.user, self.policy_subject(), number, comment_id)
        return Response(CommentSerializer(self._comment_data(comment, paper)).data)

    @extend_schema(tags=["reviews"], request=CommentEditSerializer, responses=CommentSerializer)
    def patch(self, request: Request, edition_slug: str, number: int, comment_id: int) -> Response:
        comment, paper = discussion.comment_for(request.user, self.policy_subject(), number, comment_id)
        require(can_edit_comment(request.user, comment))
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = discussion.comment_edit(by=acting_user(request), comment=comment, body=data.validated_data["body"])
        return Response(CommentSerializer(self._comment_data(comment, paper)).data)


class CommentHistoryView(_DiscussionView):
    """A comment the caller may read, with its earlier texts."""

    @extend_schema(tags=["reviews"], responses=CommentHistorySerializer)
    def get(self, request: Request, edition_slug: str, number: int, comment_id: int) -> Response:
        comment, paper = discussion.comment_for(request.user, self.policy_subject(), number, comment_id)
        versions = [{"body": v.body, "saved_at": v.saved_at} for v in discussion.history_of(comment)]
        data = {"comment": self._comment_data(comment, paper), "versions": versions}
        return Response(CommentHistorySerializer(data).data)


class FollowView(_DiscussionView):
    """Whether the caller follows the paper's discussion (its reviewers do unless they stop)."""

    @extend_schema(tags=["reviews"], responses=FollowSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        _submission, paper = self._paper()
        return Response(FollowSerializer({"follows": discussion.follows(request.user, paper)}).data)

    @extend_schema(tags=["reviews"], request=FollowSerializer, responses=FollowSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        submission, _paper = self._paper()
        data = FollowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = discussion.follow_set(
            by=acting_user(request), submission=submission, follows=data.validated_data["follows"]
        )
        return Response(FollowSerializer({"follows": row.follows}).data)


class NotificationPreferenceView(EditionScopedAPIMixin, APIView):
    """How the caller hears of new comments in the edition: each, a daily digest, or none."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=NotificationPreferenceSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        mode = discussion.mode_of(request.user, self.policy_subject())
        return Response(NotificationPreferenceSerializer({"mode": mode}).data)

    @extend_schema(
        tags=["reviews"], request=NotificationPreferenceSerializer, responses=NotificationPreferenceSerializer
    )
    def put(self, request: Request, edition_slug: str) -> Response:
        data = NotificationPreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = discussion.preference_set(
            by=acting_user(request), edition=self.policy_subject(), mode=data.validated_data["mode"]
        )
        return Response(NotificationPreferenceSerializer({"mode": row.mode}).data)


BASE = "editions/<slug:edition_slug>/papers-to-review/<int:number>/"
urlpatterns = [
    path(BASE + "comments/", CommentListView.as_view(), name="paper-comment-list"),
    path(BASE + "comments/<int:comment_id>/", CommentDetailView.as_view(), name="paper-comment-detail"),
    path(BASE + "comments/<int:comment_id>/history/", CommentHistoryView.as_view(), name="paper-comment-history"),
    path(BASE + "follow/", FollowView.as_view(), name="paper-follow"),
    path(
        "editions/<slug:edition_slug>/review-notifications/",
        NotificationPreferenceView.as_view(),
        name="review-notification-preference",
    ),
]
