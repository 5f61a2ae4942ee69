"""REST endpoints of the camera-ready phase, under ``editions/<slug>/camera-ready/``: the chairs'
status list of the accepted papers; a paper's final version (metadata and ordered authors), read
by its authors and the chairs handling it and changed by its authors; its confirmation, its
licence and the final PDF upload."""

from __future__ import annotations

from datetime import datetime
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
from camera_ready import policy, services
from camera_ready.models import FinalAuthor, FinalVersion, Licence
from camera_ready.selectors import current_final_pdf
from camera_ready.status import Missing, PaperStatus, camera_ready_deadline, completeness, paper_statuses
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.policy import require, visible_or_404
from submissions.api import IDEMPOTENCY_KEY, FileSerializer, UploadSerializer
from submissions.models import Submission
from submissions.selectors import version_for_key

TAGS = ["camera-ready"]


def _missing_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=[(m.value, m.label) for m in Missing]))


class FinalAuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = FinalAuthor
        fields = ("name", "email", "affiliation", "orcid", "is_presenter")


class FinalVersionSerializer(serializers.Serializer):
    """A paper's final version; until its authors start it, what the submission prefills."""

    number = serializers.IntegerField(source="submission.number")
    title = serializers.CharField()
    abstract = serializers.CharField()
    keywords = serializers.CharField()
    authors = serializers.SerializerMethodField()
    licence = serializers.ChoiceField(choices=Licence.choices, allow_blank=True)
    licence_accepted_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    started = serializers.SerializerMethodField(help_text="False: not saved yet, prefilled from the submission.")
    missing = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField(help_text="The paper's camera-ready deadline (null: not set).")
    pdf = serializers.SerializerMethodField()

    @extend_schema_field(FinalAuthorSerializer(many=True))
    def get_authors(self, final: FinalVersion) -> list[dict[str, Any]]:
        authors = self.context["authors"]
        return list(FinalAuthorSerializer(authors, many=True).data)

    def get_started(self, final: FinalVersion) -> bool:
        return final.pk is not None

    @extend_schema_field(_missing_list())
    def get_missing(self, final: FinalVersion) -> list[str]:
        return [item.value for item in completeness(final.submission)]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_deadline(self, final: FinalVersion) -> datetime | None:
        return camera_ready_deadline(final.submission)

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_pdf(self, final: FinalVersion) -> dict[str, Any] | None:
        pdf = current_final_pdf(final.submission)
        return FileSerializer(pdf).data if pdf else None


class MetadataInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    abstract = serializers.CharField()
    keywords = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    authors = FinalAuthorSerializer(many=True, allow_empty=False, help_text="In order; exactly one presents.")


class LicenceInputSerializer(serializers.Serializer):
    licence = serializers.ChoiceField(choices=Licence.choices)


class PaperStatusSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="submission.number")
    title = serializers.SerializerMethodField()
    complete = serializers.BooleanField()
    final_pdf = serializers.SerializerMethodField()
    metadata_confirmed_at = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()
    presenter = serializers.CharField()
    missing = serializers.SerializerMethodField()

    def get_title(self, row: PaperStatus) -> str:
        return row.final.title if row.final else row.submission.title

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_final_pdf(self, row: PaperStatus) -> dict[str, Any] | None:
        return FileSerializer(row.pdf).data if row.pdf else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_metadata_confirmed_at(self, row: PaperStatus) -> datetime | None:
        return row.final.confirmed_at if row.final else None

    def get_licence(self, row: PaperStatus) -> str:
        return row.final.licence if row.final else ""

    @extend_schema_field(_missing_list())
    def get_missing(self, row: PaperStatus) -> list[str]:
        return [item.value for item in row.missing]


def _paper(view: EditionScopedAPIMixin, number: int) -> Submission:
    """The paper, for its authors and the chairs handling it (the 404 of a missing one for anyone else)."""
    edition = view.policy_subject()
    submission = get_object_or_404(edition.submissions.select_related("edition"), number=number)
    visible_or_404(policy.can_open_final_version(view.request.user, submission))
    return submission


def _shown(request: Request, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
    final, authors = services.draft_of(submission)
    final.submission = submission
    serializer = FinalVersionSerializer(final, context={"request": request, "authors": authors})
    return Response(serializer.data, status=code)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class StatusListView(EditionScopedAPIMixin, APIView):
    """The chairs' list: every accepted paper they handle, with what it still lacks."""

    permission_classes = (IsAuthenticated, policy_permission("can_manage_camera_ready"))

    @extend_schema(tags=TAGS, responses=PaperStatusSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        rows = [
            row for row in paper_statuses(self.policy_subject()) if policy.handles_paper(request.user, row.submission)
        ]
        return Response(PaperStatusSerializer(rows, many=True).data)


class FinalVersionView(EditionScopedAPIMixin, APIView):
    """GET: the paper's final version (its authors, the chairs handling it). PUT: its authors
    change the metadata and the ordered authors (this clears the confirmation)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS, responses=FinalVersionSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return _shown(request, _paper(self, number))

    @extend_schema(tags=TAGS, request=MetadataInputSerializer, responses=FinalVersionSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        received = timezone.now()
        submission = _paper(self, number)
        require(policy.can_edit_final_version(request.user, submission, received))
        fields = _valid(MetadataInputSerializer, request)
        authors = [services.AuthorLine(**dict(author)) for author in fields.pop("authors")]
        data = services.MetadataInput(authors=authors, **fields)
        services.final_metadata_save(submission=submission, data=data, by=acting_user(request), now=received)
        return _shown(request, submission)


class ConfirmView(EditionScopedAPIMixin, APIView):
    """An author confirms the final metadata as stored."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS, request=None, responses=FinalVersionSerializer)
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        received = timezone.now()
        submission = _paper(self, number)
        require(policy.can_edit_final_version(request.user, submission, received))
        services.final_metadata_confirm(submission=submission, by=acting_user(request), now=received)
        return _shown(request, submission)


class LicenceView(EditionScopedAPIMixin, APIView):
    """An author accepts a licence on behalf of the paper's authors."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS, request=LicenceInputSerializer, responses=FinalVersionSerializer)
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        received = timezone.now()
        submission = _paper(self, number)
        require(policy.can_edit_final_version(request.user, submission, received))
        licence = _valid(LicenceInputSerializer, request)["licence"]
        services.licence_accept(submission=submission, licence=licence, by=acting_user(request), now=received)
        return _shown(request, submission)


class FinalPdfUploadView(EditionScopedAPIMixin, APIView):
    """Upload the final PDF. 201 when it passed the checks; 400 with the checks when it did not
    (the previous version stays current)."""

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
        submission = _paper(self, number)
        key = request.headers.get("Idempotency-Key", "")
        if version_for_key(submission, request.user, key) is None:  # a retry is answered even after it
            require(policy.can_edit_final_version(request.user, submission, received))
        upload = _valid(UploadSerializer, request)["file"]
        version = services.final_pdf_upload(
            submission=submission,
            content=upload.read(submission.edition.max_pdf_bytes + 1),
            filename=upload.name,
            by=acting_user(request),
            now=received,
            idempotency_key=key,
        )
        code = status.HTTP_201_CREATED if version.is_accepted else status.HTTP_400_BAD_REQUEST
        return Response(FileSerializer(version).data, status=code)


PREFIX = "editions/<slug:edition_slug>/camera-ready/"
urlpatterns = [
    path(PREFIX, StatusListView.as_view(), name="camera-ready-status"),
    path(f"{PREFIX}<int:number>/", FinalVersionView.as_view(), name="camera-ready-final"),
    path(f"{PREFIX}<int:number>/confirm/", ConfirmView.as_view(), name="camera-ready-confirm"),
    path(f"{PREFIX}<int:number>/licence/", LicenceView.as_view(), name="camera-ready-licence"),
    path(f"{PREFIX}<int:number>/pdf/", FinalPdfUploadView.as_view(), name="camera-ready-pdf"),
]
