"""REST endpoints of the badges, under ``editions/<slug>/artifacts/``: the public list of the
badges awarded (released only, no login), one artifact's decision (its readers see it once
released, the AE chairs before; the AE chairs set it), and the release of the results."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from artifacts import badges, policy, selectors
from artifacts.models import Artifact, Badge, BadgeDecision
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import require, visible_or_404

TAGS = ["artifacts"]


class BadgeDecisionSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="artifact.submission.number", read_only=True)
    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices))
    released_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Null: not released yet.")

    class Meta:
        model = BadgeDecision
        fields = ("number", "badges", "note", "decided_at", "released_at")


class BadgeStateSerializer(serializers.Serializer):
    decision = BadgeDecisionSerializer(
        allow_null=True, help_text="Null until the badges are released (AE chairs: until decided)."
    )


class BadgeDecideSerializer(serializers.Serializer):
    badges = serializers.ListField(
        child=serializers.ChoiceField(choices=Badge.choices),
        allow_empty=True,
        help_text="Among the badges requested; empty: no badge.",
    )
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class PublicAwardSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="artifact.submission.number")
    title = serializers.CharField(source="artifact.submission.title")
    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices))
    released_at = serializers.DateTimeField()


class ReleasedSerializer(serializers.Serializer):
    released = serializers.IntegerField(help_text="How many decisions this release showed (0: nothing new).")


class PublicBadgesView(EditionScopedAPIMixin, APIView):
    """The papers whose artifacts earned badges, once released (no login needed)."""

    permission_classes = (AllowAny,)

    @extend_schema(tags=TAGS, responses=PublicAwardSerializer(many=True), auth=[])
    def get(self, request: Request, edition_slug: str) -> Response:
        awards = badges.released_awards(self.policy_subject())
        return Response(PublicAwardSerializer(awards, many=True).data)


class ArtifactBadgesView(EditionScopedAPIMixin, APIView):
    """GET: the badge decision on one artifact you may see (null until released, except for
    the AE chairs handling it). PUT: an AE chair awards badges, until released."""

    permission_classes = (IsAuthenticated,)

    def _visible(self, number: int) -> Artifact:
        artifacts = selectors.artifacts_of(self.policy_subject()).select_related("badge_decision")
        artifact = get_object_or_404(artifacts, submission__number=number)
        visible_or_404(policy.can_view_artifact(self.request.user, artifact))
        return artifact

    def _state(self, artifact: Artifact) -> dict[str, Any]:
        shown = policy.badges_visible(artifact, self.request.user)
        return {"decision": policy.decision_of(artifact) if shown else None}

    @extend_schema(tags=TAGS, responses=BadgeStateSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return Response(BadgeStateSerializer(self._state(self._visible(number))).data)

    @extend_schema(tags=TAGS, request=BadgeDecideSerializer, responses=BadgeStateSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._visible(number)
        require(policy.can_decide_badges(request.user, artifact))
        data = BadgeDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = badges.badges_decide(artifact=artifact, by=acting_user(request), **data.validated_data)
        return Response(BadgeStateSerializer({"decision": decision}).data)


class BadgeReleaseView(EditionScopedAPIMixin, APIView):
    """POST: an AE chair releases every decided artifact's badges not released yet; each
    author of those papers gets one mail. Repeating it releases (and mails) only new ones."""

    permission_classes = (IsAuthenticated, policy_permission("can_manage_badges"))

    @extend_schema(tags=TAGS, request=None, responses=ReleasedSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        count = badges.badges_release(edition=self.policy_subject(), by=acting_user(request))
        return Response(ReleasedSerializer({"released": count}).data)


PREFIX = "editions/<slug:edition_slug>/artifacts/"
urlpatterns = [
    path(f"{PREFIX}badges/", PublicBadgesView.as_view(), name="artifact-badges-public"),
    path(f"{PREFIX}badges/release/", BadgeReleaseView.as_view(), name="artifact-badges-release"),
    path(f"{PREFIX}<int:number>/badges/", ArtifactBadgesView.as_view(), name="artifact-badges"),
]
