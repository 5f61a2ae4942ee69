"""REST endpoints of artifact evaluation, under ``editions/<slug>/artifacts/``: the artifacts
the caller may see (their own as authors; the registered ones for the AE committee), one
artifact, its registration and changes by the authors, its appendix upload, and the AE
members' hardware. Access instructions are null for whoever may not read them."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from artifacts import policy, selectors, services
from artifacts.assignment_api import urlpatterns as assignment_urls
from artifacts.evaluation_api import urlpatterns as evaluation_urls
from artifacts.models import Artifact, Badge, EvaluatorHardware, LinkStatus
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import id_field, policy_permission
from mlsys_conf.policy import require, visible_or_404
from submissions.api import IDEMPOTENCY_KEY, FileSerializer, UploadSerializer
from submissions.models import Submission
from submissions.selectors import version_for_key

TAGS = ["artifacts"]


# The last link check (artifacts/link_check.py); an empty status: not checked (no DOI: no DOI status).
LINK_CHECK_FIELDS = ("link_checked_at", "repository_status", "repository_detail", "doi_status", "doi_detail")


class ArtifactSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="submission.number", read_only=True)
    title = serializers.CharField(source="submission.title", read_only=True)
    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices))
    access_instructions = serializers.SerializerMethodField(
        help_text="Null unless you are an author, an AE chair handling the paper or an evaluator assigned to it."
    )
    appendix = serializers.SerializerMethodField()
    repository_status = serializers.ChoiceField(
        choices=LinkStatus.choices, allow_blank=True, read_only=True, help_text="Empty: not checked yet."
    )
    doi_status = serializers.ChoiceField(
        choices=LinkStatus.choices, allow_blank=True, read_only=True, help_text="Empty: not checked yet, or no DOI."
    )

    class Meta:
        model = Artifact
        fields = (
            "number",
            "title",
            "abstract",
            "repository_url",
            "doi",
            "badges",
            "hardware_needed",
            "time_needed",
            "access_instructions",
            "appendix",
            "registered_at",
            "updated_at",
            "link_checked_at",
            "repository_status",
            "repository_detail",
            "doi_status",
            "doi_detail",
        )
        read_only_fields = LINK_CHECK_FIELDS

    def get_access_instructions(self, artifact: Artifact) -> str | None:
        sees = policy.can_see_access_instructions(self.context["request"].user, artifact)
        return artifact.access_instructions if sees else None

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_appendix(self, artifact: Artifact) -> dict[str, Any] | None:
        appendix = selectors.current_appendix(artifact.submission)
        return FileSerializer(appendix).data if appendix else None


class ArtifactInputSerializer(serializers.ModelSerializer):
    """What the authors give; the same validators as the form (URL, DOI)."""

    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices), allow_empty=False)

    class Meta:
        model = Artifact
        fields = services.ARTIFACT_FIELDS


class ArtifactCreateSerializer(ArtifactInputSerializer):
    number = id_field(help_text="The accepted paper's number.")

    class Meta(ArtifactInputSerializer.Meta):
        fields = ("number", *services.ARTIFACT_FIELDS)


def _valid(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _own_paper(view: EditionScopedAPIMixin, number: int) -> Submission:
    """The caller's paper (the 404 of a missing one for anyone else)."""
    edition = view.policy_subject()
    submission = get_object_or_404(edition.submissions.select_related("edition"), number=number)
    visible_or_404(policy.can_open_artifact_form(view.request.user, submission))
    return submission


def _saved(request: Request, submission: Submission, fields: dict[str, Any], code: int) -> Response:
    data = services.ArtifactInput(**{name: fields.get(name, "") for name in services.ARTIFACT_FIELDS})
    artifact = services.artifact_save(submission=submission, data=data, by=acting_user(request))
    return Response(ArtifactSerializer(artifact, context={"request": request}).data, status=code)


class ArtifactListView(EditionScopedAPIMixin, APIView):
    """GET: the artifacts you may see (as an author, your own; on the AE committee, the
    registered ones). POST: register your accepted paper's artifact."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS, responses=ArtifactSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        artifacts = selectors.visible_artifacts_for(request.user, self.policy_subject())
        return Response(ArtifactSerializer(artifacts, many=True, context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ArtifactCreateSerializer, responses={201: ArtifactSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        fields = _valid(ArtifactCreateSerializer, request)
        submission = _own_paper(self, fields.pop("number"))
        require(policy.can_register_artifact(request.user, submission))
        return _saved(request, submission, fields, status.HTTP_201_CREATED)


class ArtifactDetailView(EditionScopedAPIMixin, APIView):
    """GET: one artifact you may see. PUT: its authors change it, while registration is open."""

    permission_classes = (IsAuthenticated,)

    def _visible(self, number: int) -> Artifact:
        artifact = get_object_or_404(selectors.artifacts_of(self.policy_subject()), submission__number=number)
        visible_or_404(policy.can_view_artifact(self.request.user, artifact))
        return artifact

    @extend_schema(tags=TAGS, responses=ArtifactSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return Response(ArtifactSerializer(self._visible(number), context={"request": request}).data)

    @extend_schema(tags=TAGS, request=ArtifactInputSerializer, responses=ArtifactSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        artifact = self._visible(number)
        require(policy.can_register_artifact(request.user, artifact.submission))
        fields = _valid(ArtifactInputSerializer, request, instance=artifact)
        return _saved(request, artifact.submission, fields, status.HTTP_200_OK)


class AppendixUploadView(EditionScopedAPIMixin, APIView):
    """Upload the artifact appendix (a PDF). 201 when it passed the checks; 400 with the checks
    when it did not (the previous version stays current)."""

    permission_classes = (IsAuthenticated,)
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    @extend_schema(
        tags=TAGS,
        request={"multipart/form-data": UploadSerializer},
        responses={201: FileSerializer, 400: FileSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        received = timezone.now()
        submission = _own_paper(self, number)
        key = request.headers.get("Idempotency-Key", "")
        if version_for_key(submission, request.user, key) is None:  # a retry is answered even after it
            require(policy.can_register_artifact(request.user, submission, received))
        upload = _valid(UploadSerializer, request)["file"]
        version = services.appendix_upload(
            submission=submission,
            content=upload.read(submission.edition.max_pdf_bytes + 1),
            filename=upload.name,
            by=acting_user(request),
            now=received,
            idempotency_key=key,
        )
        code = status.HTTP_201_CREATED if version.is_accepted else status.HTTP_400_BAD_REQUEST
        return Response(FileSerializer(version).data, status=code)


class HardwareSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluatorHardware
        fields = services.HARDWARE_FIELDS


class MemberHardwareSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    hardware = HardwareSerializer(allow_null=True, help_text="Null: not said yet.")


class OwnHardwareView(EditionScopedAPIMixin, APIView):
    """The hardware you offer as an AE committee member (GET, PUT)."""

    permission_classes = (IsAuthenticated, policy_permission("can_edit_own_hardware"))

    @extend_schema(tags=TAGS, responses=HardwareSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        hardware = selectors.hardware_of(request.user, self.policy_subject())
        return Response(HardwareSerializer(hardware or EvaluatorHardware()).data)

    @extend_schema(tags=TAGS, request=HardwareSerializer, responses=HardwareSerializer)
    def put(self, request: Request, edition_slug: str) -> Response:
        data = services.HardwareInput(**_valid(HardwareSerializer, request))
        hardware = services.hardware_save(edition=self.policy_subject(), data=data, by=acting_user(request))
        return Response(HardwareSerializer(hardware).data)


class CommitteeHardwareView(EditionScopedAPIMixin, APIView):
    """The AE chairs' list of the committee's members with the hardware each offers."""

    permission_classes = (IsAuthenticated, policy_permission("can_list_hardware"))

    @extend_schema(tags=TAGS, responses=MemberHardwareSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        rows = [
            {"name": member.display_name, "email": member.email, "hardware": hardware}
            for member, hardware in selectors.committee_hardware(self.policy_subject())
        ]
        return Response(MemberHardwareSerializer(rows, many=True).data)


PREFIX = "editions/<slug:edition_slug>/artifacts/"
urlpatterns = [
    path(PREFIX, ArtifactListView.as_view(), name="artifact-list"),
    path(f"{PREFIX}hardware/", OwnHardwareView.as_view(), name="artifact-hardware"),
    path(f"{PREFIX}committee-hardware/", CommitteeHardwareView.as_view(), name="artifact-committee-hardware"),
    path(f"{PREFIX}<int:number>/", ArtifactDetailView.as_view(), name="artifact-detail"),
    path(f"{PREFIX}<int:number>/appendix/", AppendixUploadView.as_view(), name="artifact-appendix"),
    *assignment_urls,  # AE bidding and evaluator assignment
    *evaluation_urls,  # the AE stage, the anonymous thread, the evaluations
]
