"""REST endpoints of artifact evaluation, under ``editions/<slug>/artifacts/``: the AE stage
(read by the AE committee, set by the AE chairs), an artifact's anonymous thread, the assigned
evaluator's own evaluation, and the evaluations of an artifact as the caller may read them.
Evaluators are "Evaluator A/B/C" to everyone but the AE chairs handling the paper."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from artifacts import evaluations, policy, selectors
from artifacts.models import AEStage, Artifact, Evaluation, EvaluationStatus, Recommendation
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import require, visible_or_404

TAGS = ["artifacts"]


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=AEStage.choices)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    shown_as = serializers.CharField(help_text='"Authors", "Evaluator A", ... or "AE chairs" (names: AE chairs only).')
    body = serializers.CharField()
    html = serializers.CharField(help_text="The body rendered from Markdown and sanitised.")
    fix_url = serializers.CharField(allow_blank=True)
    from_authors = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    fix_url = serializers.URLField(max_length=500, required=False, allow_blank=True, help_text="Authors only.")


class BadgeEvaluationSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True)
    checked = serializers.ListField(child=serializers.CharField(), required=False)
    claims = serializers.CharField(required=False, allow_blank=True, help_text="Reproduced: the claims checked.")


class EvaluationInputSerializer(serializers.Serializer):
    badges = serializers.DictField(child=BadgeEvaluationSerializer(), help_text="Per requested badge.")
    comments_for_authors = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    comments_for_committee = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    distinguished = serializers.BooleanField(required=False, default=False)
    submit = serializers.BooleanField(required=False, default=False, help_text="Submit (full evaluation only).")


class OwnEvaluationSerializer(serializers.ModelSerializer):
    badges = serializers.DictField(child=BadgeEvaluationSerializer())
    evaluator_label = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = (
            "evaluator_label",
            "status",
            "badges",
            "comments_for_authors",
            "comments_for_committee",
            "distinguished",
            "submitted_at",
            "updated_at",
        )

    def get_evaluator_label(self, evaluation: Evaluation) -> str:
        return evaluations.evaluator_labels(evaluation.artifact).get(evaluation.evaluator_id, "")


class BadgeRecommendationSerializer(serializers.Serializer):
    badge = serializers.CharField()
    badge_label = serializers.CharField(source="label")
    recommendation = serializers.CharField(allow_blank=True)
    checked = serializers.ListField(child=serializers.CharField())
    claims = serializers.CharField(allow_blank=True)


class EvaluationViewSerializer(serializers.Serializer):
    evaluator_label = serializers.CharField(source="label", help_text='"Evaluator A", ...')
    evaluator_name = serializers.CharField(allow_null=True, help_text="AE chairs only.")
    status = serializers.ChoiceField(choices=EvaluationStatus.choices)
    badges = BadgeRecommendationSerializer(many=True)
    comments_for_authors = serializers.CharField(allow_blank=True)
    comments_for_committee = serializers.CharField(allow_null=True, allow_blank=True, help_text="AE chairs only.")
    distinguished = serializers.BooleanField(allow_null=True, help_text="AE chairs only.")
    submitted_at = serializers.DateTimeField(allow_null=True)


class EvaluationListSerializer(serializers.Serializer):
    released = serializers.BooleanField(help_text="For authors: whether the results are released.")
    evaluations = EvaluationViewSerializer(many=True)


class StageView(EditionScopedAPIMixin, APIView):
    """GET: the edition's AE stage (the AE committee). PUT: the AE chairs set it."""

    permission_classes = (IsAuthenticated, policy_permission("can_list_artifacts"))

    @extend_schema(tags=TAGS, responses=StageSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response({"stage": policy.ae_stage(self.policy_subject())})

    @extend_schema(tags=TAGS, request=StageSerializer, responses=StageSerializer)
    def put(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        require(policy.can_set_ae_stage(request.user, edition))
        data = StageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = evaluations.stage_set(edition=edition, stage=data.validated_data["stage"], by=acting_user(request))
        return Response({"stage": row.stage})


class _ArtifactView(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated,)

    def _artifact(self, number: int) -> Artifact:
        artifact = get_object_or_404(selectors.artifacts_of(self.policy_subject()), submission__number=number)
        visible_or_404(policy.can_view_artifact(self.request.user, artifact))
        return artifact


class ThreadView(_ArtifactView):
    """GET: the artifact's anonymous thread. POST: write on it (kick-the-tires and full evaluation)."""

    def _readable(self, number: int) -> Artifact:
        artifact = self._artifact(number)
        visible_or_404(policy.can_read_artifact_thread(self.request.user, artifact))
        return artifact

    @extend_schema(tags=TAGS, responses=MessageSerializer(many=True))
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._readable(number)
        return Response(MessageSerializer(evaluations.thread_for(request.user, artifact), many=True).data)

    @extend_schema(tags=TAGS, request=MessageInputSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._readable(number)
        require(policy.can_post_to_artifact_thread(request.user, artifact))
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = evaluations.message_post(artifact=artifact, by=acting_user(request), **data.validated_data)
        item = next(i for i in evaluations.thread_for(request.user, artifact) if i.pk == message.pk)
        return Response(MessageSerializer(item).data, status=status.HTTP_201_CREATED)


class OwnEvaluationView(_ArtifactView):
    """GET, PUT: your evaluation of an artifact you are assigned (one recommendation per badge
    requested, ACM's checklist keys ticked in ``checked``)."""

    @extend_schema(tags=TAGS, responses=OwnEvaluationSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._artifact(number)
        require(policy.can_open_evaluation(request.user, artifact))
        own = evaluations.own_evaluation(artifact, request.user)
        own = own or Evaluation(artifact=artifact, evaluator=acting_user(request))
        return Response(OwnEvaluationSerializer(own).data)

    @extend_schema(tags=TAGS, request=EvaluationInputSerializer, responses=OwnEvaluationSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._artifact(number)
        require(policy.can_open_evaluation(request.user, artifact))
        data = EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(data.validated_data)
        submit = fields.pop("submit")
        saved = evaluations.evaluation_save(
            artifact=artifact, data=evaluations.EvaluationInput(**fields), by=acting_user(request), submit=submit
        )
        return Response(OwnEvaluationSerializer(saved).data)


class EvaluationListView(_ArtifactView):
    """The artifact's evaluations: whole for the AE chairs handling it; for its authors, once
    released, the recommendations and comments for authors, by evaluator letter."""

    @extend_schema(tags=TAGS, responses=EvaluationListSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._artifact(number)
        require(policy.can_view_evaluations(request.user, artifact))
        released = policy.handles_evaluation(request.user, artifact) or policy.evaluations_visible_to_authors(artifact)
        rows = evaluations.evaluations_for(request.user, artifact)
        return Response(EvaluationListSerializer({"released": released, "evaluations": rows}).data)


PREFIX = "editions/<slug:edition_slug>/artifacts/"
urlpatterns = [
    path(f"{PREFIX}stage/", StageView.as_view(), name="artifact-stage"),
    path(f"{PREFIX}<int:number>/thread/", ThreadView.as_view(), name="artifact-thread"),
    path(f"{PREFIX}<int:number>/evaluation/", OwnEvaluationView.as_view(), name="artifact-evaluation"),
    path(f"{PREFIX}<int:number>/evaluations/", EvaluationListView.as_view(), name="artifact-evaluations"),
]
