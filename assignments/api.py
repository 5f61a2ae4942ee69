"""REST endpoints for assignments: solver runs, drafts of every kind (review, meta-review,
artifact evaluation) and commit (chairs); each PC member's committed papers to review (titles
only, double-blind)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.models import User
from accounts.typing import acting_user
from assignments import services
from assignments.models import Assignment, AssignmentKind, AssignmentRun
from assignments.selectors import papers_to_review
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import id_field, policy_permission
from submissions.models import Submission
from submissions.selectors import conflicted_paper_ids

RUN_INPUT_FIELDS = ("fair", "bid_weight")  # what a chair chooses when starting a run
RUN_OUTPUT_FIELDS = (
    "id",
    "status",
    "progress",
    "stage",
    "objective",
    "proven_optimal",
    "solve_seconds",
    "message",
    "fairness",
    "created_at",
    "finished_at",
)


class FairnessFiguresSerializer(serializers.Serializer):
    worst_paper_score = serializers.FloatField()
    worst_paper = serializers.IntegerField(
        allow_null=True, help_text="Its number; null when you are conflicted with it (another chair's paper)."
    )
    total_score = serializers.FloatField()


class FairnessSerializer(serializers.Serializer):
    """What the fairness option changed compared with the plain optimum, or why it could not
    be proven; empty for a run without ``fair`` (or not done)."""

    plain = FairnessFiguresSerializer(help_text="The plain optimum: the highest total score.")
    fair = FairnessFiguresSerializer(help_text="The fair assignment this run proposed.")
    changed = serializers.BooleanField(help_text="Whether fairness raised the worst paper's score.")
    restricted = serializers.BooleanField(
        help_text="Too large to prove: the fair solve only considered each paper's best candidates."
    )
    proven_optimal = serializers.BooleanField()
    note = serializers.CharField(help_text="The same, in a sentence.")


class RunSerializer(serializers.ModelSerializer):
    fairness = serializers.SerializerMethodField()

    class Meta:
        model = AssignmentRun
        fields = RUN_OUTPUT_FIELDS + RUN_INPUT_FIELDS
        read_only_fields = RUN_OUTPUT_FIELDS

    @extend_schema_field(FairnessSerializer(allow_null=True))
    def get_fairness(self, run: AssignmentRun) -> dict[str, Any] | None:
        hidden = self.context.get("hidden_numbers", ())
        return run.fairness_for(hidden) if run.fairness else None


class AssignmentSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="submission.number", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Assignment
        fields = ("id", "number", "user", "email", "kind", "source", "is_committed", "created_at", "committed_at")
        read_only_fields = ("id", "kind", "source", "is_committed", "created_at", "committed_at")


class KindSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssignmentKind.choices, default=AssignmentKind.REVIEW)


class CommitSerializer(KindSerializer):
    override_reason = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=500,
        help_text="Required while abstract registration is open; kept in the action log.",
    )


class AddSerializer(KindSerializer):
    number = id_field()
    user = id_field(help_text="The assignee's user id (a PC member for a review).")


class ChairsOnly(APIView):
    """For the chairs' viewsets: only the edition's PC chairs get in."""

    permission_classes = (policy_permission("can_manage_assignments"),)


class RunViewSet(
    ChairsOnly,
    EditionScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Solver runs: POST starts one (a Celery job); GET shows its progress and result."""

    serializer_class = RunSerializer
    lookup_value_regex = r"\d+"  # ids are numbers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[AssignmentRun]:
        if self.is_schema_generation:
            return AssignmentRun.objects.none()
        return self.policy_subject().assignment_runs.all()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not self.is_schema_generation:
            edition = self.policy_subject()
            hidden = conflicted_paper_ids(self.request.user, edition)
            context["hidden_numbers"] = set(edition.submissions.filter(pk__in=hidden).values_list("number", flat=True))
        return context

    def create(self, request: Request, edition_slug: str) -> Response:
        data = RunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_start(
            edition=self.policy_subject(),
            by=acting_user(request),
            fair=data.validated_data.get("fair", False),
            bid_weight=data.validated_data.get("bid_weight", 0.25),
        )
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


class AssignmentViewSet(
    ChairsOnly, EditionScopedAPIMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Draft and committed assignments. POST adds one by hand; commit makes drafts final."""

    serializer_class = AssignmentSerializer
    lookup_value_regex = r"\d+"  # ids are numbers: anything else is a 404, not a 500

    def get_queryset(self) -> QuerySet[Assignment]:
        if self.is_schema_generation:
            return Assignment.objects.none()
        edition = self.policy_subject()
        return (
            Assignment.objects.filter(submission__edition=edition)
            .exclude(submission_id__in=conflicted_paper_ids(self.request.user, edition))  # another chair's
            .select_related("submission", "user")
            .order_by("submission__number", "kind", "user_id")
        )

    @extend_schema(
        request=AddSerializer,
        responses={
            201: inline_serializer(
                "AssignmentChange", {"assignment": AssignmentSerializer(), "warnings": serializers.ListField()}
            )
        },
    )
    def create(self, request: Request, edition_slug: str) -> Response:
        data = AddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = self.policy_subject()
        submission = get_object_or_404(edition.submissions, number=data.validated_data["number"])
        user = get_object_or_404(User, pk=data.validated_data["user"])
        change = services.assignment_add(
            submission=submission, user=user, by=acting_user(request), kind=data.validated_data["kind"]
        )
        body = {"assignment": AssignmentSerializer(change.assignment).data, "warnings": change.warnings}
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, edition_slug: str, pk: str) -> Response:
        services.assignment_remove(assignment=get_object_or_404(self.get_queryset(), pk=pk), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CommitSerializer, responses=inline_serializer("Committed", {"committed": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"])
    def commit(self, request: Request, edition_slug: str) -> Response:
        """Commit the drafts of one kind (reviews unless ``kind`` says otherwise); while abstract
        registration is open, only with an ``override_reason``."""
        data = CommitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        committed = services.assignments_commit(
            edition=self.policy_subject(),
            by=acting_user(request),
            kind=data.validated_data["kind"],
            override_reason=data.validated_data["override_reason"],
        )
        return Response({"committed": committed})


class PaperToReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = ("number", "title", "abstract", "topic", "keywords")


class PaperToReviewViewSet(EditionScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The papers committed to the signed-in PC member: no authors (double-blind)."""

    serializer_class = PaperToReviewSerializer
    permission_classes = (policy_permission("can_see_own_assignments"),)

    def get_queryset(self) -> QuerySet[Submission]:
        if self.is_schema_generation:
            return Submission.objects.none()
        return papers_to_review(self.request.user, self.policy_subject())


router = SimpleRouter()
router.register(r"editions/(?P<edition_slug>[-\w]+)/assignment-runs", RunViewSet, basename="assignment-run")
router.register(r"editions/(?P<edition_slug>[-\w]+)/assignments", AssignmentViewSet, basename="assignment")
router.register(r"editions/(?P<edition_slug>[-\w]+)/papers-to-review", PaperToReviewViewSet, basename="paper-to-review")
urlpatterns = router.urls
