"""REST endpoints for the caller's own account: the profile, and their API tokens.

Tokens are listed and revoked with any way in, but made only from a signed-in session: a
leaked token cannot mint a longer-lived one. The secret is in the creation answer only."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, User
from accounts.publication_import import ImportRefused, parse_export, publications_import, read_upload
from accounts.selectors import api_tokens_of
from accounts.services import PROFILE_FIELDS, api_token_create, api_token_revoke, profile_update
from accounts.typing import acting_user
from mlsys_conf.limits import PUBLICATIONS_IMPORT_MAX_BYTES


class ProfileSerializer(CountryFieldMixin, serializers.ModelSerializer):  # country as its code, e.g. "DE"
    class Meta:
        model = User
        fields = ("email", *PROFILE_FIELDS)
        read_only_fields = ("email",)


class MeView(APIView):
    """The signed-in user's profile. The e-mail address changes through the account pages,
    which verify the new address."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request: Request) -> Response:
        serializer = ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = profile_update(user=acting_user(request), **serializer.validated_data)
        return Response(ProfileSerializer(user).data)


class PublicationImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        help_text="A DBLP export (BibTeX or XML) or a Semantic Scholar export (BibTeX, or the JSON of "
        "/author/{id}/papers with title and abstract); or send its text as ``content``.",
    )
    content = serializers.CharField(
        required=False, max_length=PUBLICATIONS_IMPORT_MAX_BYTES, trim_whitespace=False, help_text="The file's text."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Only say what would be added.")

    def validate(self, attrs: dict) -> dict:
        if ("file" in attrs) == ("content" in attrs):
            raise serializers.ValidationError("Send either file or content.")
        return attrs


class ImportedPublicationSerializer(serializers.Serializer):
    title = serializers.CharField()
    abstract = serializers.CharField()


class PublicationImportResultSerializer(serializers.Serializer):
    added = ImportedPublicationSerializer(many=True)
    duplicates = serializers.ListField(child=serializers.CharField(), help_text="Titles already there: skipped.")
    left_out = serializers.ListField(
        child=serializers.CharField(), help_text="Titles that no longer fit the profile's limit."
    )
    publications = serializers.CharField(help_text="The publications text, after the import (or as it would be).")


class PublicationImportView(APIView):
    """Add the publications of an export file to the caller's profile: appended, titles
    already there skipped, nothing removed."""

    permission_classes = (IsAuthenticated,)
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    @extend_schema(request=PublicationImportSerializer, responses=PublicationImportResultSerializer)
    def post(self, request: Request) -> Response:
        serializer = PublicationImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            raw = read_upload(data["file"]) if "file" in data else data["content"].encode()
            publications = parse_export(raw)
        except ImportRefused as error:
            raise serializers.ValidationError({"file" if "file" in data else "content": error.messages}) from None
        plan = publications_import(user=acting_user(request), publications=publications, dry_run=data["dry_run"])
        return Response(
            {
                "added": [{"title": p.title, "abstract": p.abstract} for p in plan.added],
                "duplicates": plan.duplicates,
                "left_out": plan.left_out,
                "publications": plan.text,
            }
        )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = ("id", "name", "prefix", "created_at", "expires_at", "last_used_at")


class ApiTokenCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ("name", "expires_at")
        extra_kwargs = {"expires_at": {"help_text": "When the token stops working; null: never."}}


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret: shown in this answer only, store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")


class MadeFromASession(BasePermission):
    """Reading and revoking take any way in; making a token takes the site's sign-in."""

    message = "Create API tokens while signed in on the site, not with another API token."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or isinstance(request.successful_authenticator, SessionAuthentication)


class ApiTokenListView(APIView):
    """The caller's API tokens (never their secrets), and a new one."""

    permission_classes = (IsAuthenticated, MadeFromASession)

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ApiTokenSerializer(api_tokens_of(acting_user(request)), many=True).data)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={status.HTTP_201_CREATED: ApiTokenCreatedSerializer},
        auth=[{"cookieAuth": []}],  # type: ignore[list-item]  # security requirements, not names
        description="Needs the site's sign-in (session and CSRF token), not an API token.",
    )
    def post(self, request: Request) -> Response:
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = api_token_create(user=acting_user(request), **serializer.validated_data)
        return Response({**ApiTokenSerializer(token).data, "token": secret}, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def delete(self, request: Request, token_id: int) -> Response:
        """Revoke one of the caller's tokens (the one in use, too): it stops working at once."""
        user = acting_user(request)
        api_token_revoke(token=get_object_or_404(api_tokens_of(user), pk=token_id), by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/publications/import/", PublicationImportView.as_view(), name="me-publications-import"),
    path("tokens/", ApiTokenListView.as_view(), name="tokens"),
    path("tokens/<int:token_id>/", ApiTokenDetailView.as_view(), name="token"),
]
