"""REST endpoints of AE bidding and evaluator assignment, under ``editions/<slug>/artifacts/``:
an AE member's bids (list, set or withdraw one), and the AE chairs' assignment (settings,
proposal, run, commit, remove an evaluator). Authors never learn evaluators' names here: only
AE chairs handling the paper read the proposal."""

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
from artifacts import assignment, bidding, policy
from artifacts.models import Artifact, ArtifactEvaluationSettings
from artifacts.selectors import artifacts_of
from assignments.models import Assignment, AssignmentKind
from bidding.models import BidLevel
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import visible_or_404

TAGS = ["artifacts"]


class ArtifactBidSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The paper's number.")
    title = serializers.CharField()
    hardware_needed = serializers.CharField()
    time_needed = serializers.CharField()
    gpus_needed = serializers.IntegerField(help_text="GPUs the artifact needs, read from its hardware (0: none).")
    level = serializers.ChoiceField(choices=BidLevel.choices, allow_null=True, help_text="Null: no bid.")


class ArtifactBidInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=BidLevel.choices, allow_null=True, help_text="Null withdraws the bid.")


def _bid_row(row: bidding.BiddingRow) -> dict[str, Any]:
    artifact = row.artifact
    return {
        "number": artifact.submission.number,
        "title": artifact.submission.title,
        "hardware_needed": artifact.hardware_needed,
        "time_needed": artifact.time_needed,
        "gpus_needed": row.gpus_needed,
        "level": row.level,
    }


class ArtifactBidListView(EditionScopedAPIMixin, APIView):
    """AE members: the artifacts you may bid on, with your bid (apart from any PC bids)."""

    permission_classes = (IsAuthenticated, policy_permission("can_bid_on_artifacts"))

    @extend_schema(tags=TAGS, responses=ArtifactBidSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        rows = bidding.bidding_rows_for(request.user, self.policy_subject())
        return Response(ArtifactBidSerializer([_bid_row(row) for row in rows], many=True).data)


class ArtifactBidView(EditionScopedAPIMixin, APIView):
    """AE members: bid on one artifact (PUT ``{"level": 2}``), or withdraw the bid (``null``)."""

    permission_classes = (IsAuthenticated, policy_permission("can_bid_on_artifacts"))

    def _artifact(self, number: int) -> Artifact:
        artifact = get_object_or_404(artifacts_of(self.policy_subject()), submission__number=number)
        visible_or_404(policy.can_bid_on_artifact(self.request.user, artifact))
        return artifact

    @extend_schema(tags=TAGS, request=ArtifactBidInputSerializer, responses=ArtifactBidSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._artifact(number)
        data = ArtifactBidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = bidding.artifact_bid_set(artifact=artifact, level=data.validated_data["level"], by=acting_user(request))
        row = bidding.BiddingRow(artifact, bid.level if bid else None, assignment.gpus_needed(artifact.hardware_needed))
        return Response(ArtifactBidSerializer(_bid_row(row)).data)


class AESettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArtifactEvaluationSettings
        fields = ("min_evaluators", "max_load")


class AEEvaluatorSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="pk")
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    is_committed = serializers.BooleanField()
    origin = serializers.CharField(source="source", help_text='"solver", or "manual": by hand.')


class AEProposalRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="artifact.submission.number")
    title = serializers.CharField(source="artifact.submission.title")
    hardware_needed = serializers.CharField(source="artifact.hardware_needed")
    gpus_needed = serializers.IntegerField()
    evaluators = AEEvaluatorSerializer(source="assignments", many=True)


class AEAssignmentSerializer(serializers.Serializer):
    settings = AESettingsSerializer()
    artifacts = AEProposalRowSerializer(many=True)


class AERunOutcomeSerializer(serializers.Serializer):
    drafts = serializers.IntegerField(help_text="Draft assignments the run added.")
    objective = serializers.FloatField()
    note = serializers.CharField()


class AECommittedSerializer(serializers.Serializer):
    committed = serializers.IntegerField()


class _ChairView(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated, policy_permission("can_manage_ae_assignments"))


class AEAssignmentView(_ChairView):
    """AE chairs: the settings and every artifact you handle with its evaluators (drafts and committed)."""

    @extend_schema(tags=TAGS, responses=AEAssignmentSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        rows = assignment.proposal_for(request.user, edition)
        data = {"settings": assignment.ae_settings(edition), "artifacts": rows}
        return Response(AEAssignmentSerializer(data).data)


class AESettingsView(_ChairView):
    """AE chairs: evaluators per artifact, and the most artifacts per evaluator (0: even)."""

    @extend_schema(tags=TAGS, request=AESettingsSerializer, responses=AESettingsSerializer)
    def put(self, request: Request, edition_slug: str) -> Response:
        data = AESettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        saved = assignment.ae_settings_save(edition=self.policy_subject(), by=acting_user(request), **values)
        return Response(AESettingsSerializer(saved).data)


class AERunView(_ChairView):
    """AE chairs: run the solver; its drafts replace the previous run's (400 with the reasons when
    no assignment is possible)."""

    @extend_schema(tags=TAGS, request=None, responses=AERunOutcomeSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        outcome = assignment.ae_assignment_run(edition=self.policy_subject(), by=acting_user(request))
        return Response(AERunOutcomeSerializer(outcome).data)


class AECommitView(_ChairView):
    """AE chairs: commit the drafts of the artifacts you handle; each evaluator is mailed."""

    @extend_schema(tags=TAGS, request=None, responses=AECommittedSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        count = assignment.ae_assignments_commit(edition=self.policy_subject(), by=acting_user(request))
        return Response(AECommittedSerializer({"committed": count}).data)


class AEAssignmentDetailView(_ChairView):
    """AE chairs: take an evaluator off an artifact you handle."""

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def delete(self, request: Request, edition_slug: str, assignment_id: int) -> Response:
        edition = self.policy_subject()
        row = get_object_or_404(Assignment, pk=assignment_id, kind=AssignmentKind.ARTIFACT, submission__edition=edition)
        artifact = get_object_or_404(artifacts_of(edition), submission_id=row.submission_id)
        visible_or_404(policy.can_assign_artifact(request.user, artifact))
        assignment.ae_assignment_remove(assignment=row, by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


PREFIX = "editions/<slug:edition_slug>/artifacts/"
urlpatterns = [
    path(f"{PREFIX}bids/", ArtifactBidListView.as_view(), name="artifact-bids"),
    path(f"{PREFIX}<int:number>/bid/", ArtifactBidView.as_view(), name="artifact-bid"),
    path(f"{PREFIX}assignment/", AEAssignmentView.as_view(), name="artifact-assignment"),
    path(f"{PREFIX}assignment/settings/", AESettingsView.as_view(), name="artifact-assignment-settings"),
    path(f"{PREFIX}assignment/run/", AERunView.as_view(), name="artifact-assignment-run"),
    path(f"{PREFIX}assignment/commit/", AECommitView.as_view(), name="artifact-assignment-commit"),
    path(
        f"{PREFIX}assignment/<int:assignment_id>/",
        AEAssignmentDetailView.as_view(),
        name="artifact-assignment-detail",
    ),
]
