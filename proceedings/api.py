"""REST endpoints of the proceedings, under ``editions/<slug>/proceedings/``, for the PC chairs:
the builds (newest first) and a new one (POST its kind), one build's status, and its file."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from proceedings import selectors, services
from proceedings.models import BuildKind, BuildStatus
from proceedings.views import build_file_response

TAGS = ["proceedings"]
API_LIST_MAX = 100  # builds listed, newest first


class BuildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BuildKind.choices)
    version = serializers.IntegerField(help_text="The published program version it is made from.")
    status = serializers.ChoiceField(choices=BuildStatus.choices)
    steps_done = serializers.IntegerField()
    steps_total = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField(help_text="Why it failed; empty otherwise.")
    size = serializers.IntegerField(allow_null=True, help_text="Bytes of the file, once done.")
    sha256 = serializers.CharField()
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(allow_null=True, help_text="The file (for the chairs), once done.")


class BuildRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BuildKind.choices)


class ChairsOnly(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated, policy_permission("can_manage_proceedings"))


class BuildListView(ChairsOnly):
    """GET: the builds of the edition, newest first. POST: build ``kind`` from the newest
    published program version (400 before the first publication, or while one of that kind
    is already under way)."""

    @extend_schema(tags=TAGS, responses=BuildSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        builds = selectors.builds_of(self.policy_subject())[:API_LIST_MAX]
        return Response(BuildSerializer([selectors.build_state(b) for b in builds], many=True).data)

    @extend_schema(tags=TAGS, request=BuildRequestSerializer, responses={202: BuildSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        data = BuildRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        build = services.build_request(
            edition=self.policy_subject(), kind=data.validated_data["kind"], by=acting_user(request)
        )
        build.refresh_from_db()
        state = selectors.build_state(build)
        return Response(BuildSerializer(state).data, status=status.HTTP_202_ACCEPTED)


class BuildDetailView(ChairsOnly):
    """One build's status and progress."""

    @extend_schema(tags=TAGS, responses=BuildSerializer)
    def get(self, request: Request, edition_slug: str, build_id: int) -> Response:
        build = selectors.build_of(self.policy_subject(), build_id)
        return Response(BuildSerializer(selectors.build_state(build)).data)


class BuildDownloadView(ChairsOnly):
    """The finished file: a PDF, or a zip for the archive (404 until the build is done)."""

    @extend_schema(
        tags=TAGS,
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf or application/zip")},
    )
    def get(self, request: Request, edition_slug: str, build_id: int) -> FileResponse:
        return build_file_response(selectors.build_of(self.policy_subject(), build_id))


PREFIX = "editions/<slug:edition_slug>/proceedings/builds/"
urlpatterns = [
    path(PREFIX, BuildListView.as_view(), name="proceedings-build-list"),
    path(f"{PREFIX}<int:build_id>/", BuildDetailView.as_view(), name="proceedings-build-detail"),
    path(f"{PREFIX}<int:build_id>/download/", BuildDownloadView.as_view(), name="proceedings-build-download"),
]
