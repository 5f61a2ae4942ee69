"""REST endpoint for the caller's own account and profile."""

from __future__ import annotations

from django.urls import path
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import PROFILE_FIELDS, profile_update
from accounts.typing import acting_user


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


urlpatterns = [path("me/", MeView.as_view(), name="me")]
