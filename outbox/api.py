"""REST endpoints of the outbox, for the chairs: the edition's mail, its batches, and releasing
or cancelling a held batch."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission, query_parameters
from outbox import services
from outbox.forms import MailFilterForm
from outbox.models import Mail, MailBatch
from outbox.selectors import batch_mails, batches_of
from outbox.views import filtered_mails

MAIL_FIELDS: tuple[str, ...] = (
    "id",
    "to_email",
    "subject",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "sent_at",
    "batch",
)


class MailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mail
        fields = MAIL_FIELDS
        read_only_fields = fields


class MailWithBodySerializer(MailSerializer):
    class Meta(MailSerializer.Meta):
        fields = (*MAIL_FIELDS, "body")
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)
    released_by = serializers.EmailField(source="released_by.email", read_only=True, allow_null=True)
    mail_count = serializers.IntegerField(read_only=True)
    held_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MailBatch
        fields = (
            "id",
            "name",
            "status",
            "created_by",
            "created_at",
            "released_by",
            "released_at",
            "mail_count",
            "held_count",
        )
        read_only_fields = fields


class ChairsOnly(EditionScopedAPIMixin, APIView):
    permission_classes = (policy_permission("can_manage_mail"),)

    def batch(self) -> MailBatch:
        return get_object_or_404(batches_of(self.policy_subject()), pk=self.kwargs["batch_id"])


@extend_schema(parameters=query_parameters(MailFilterForm))
class MailList(ChairsOnly, generics.ListAPIView):
    """The edition's mail with its delivery status, newest first."""

    serializer_class = MailSerializer

    def get_queryset(self) -> QuerySet[Mail]:
        if self.is_schema_generation:
            return Mail.objects.none()
        form, mails = filtered_mails(self.policy_subject(), self.request.query_params)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        return mails


class BatchList(ChairsOnly, generics.ListAPIView):
    """The edition's mail batches, newest first."""

    serializer_class = BatchSerializer

    def get_queryset(self) -> QuerySet[MailBatch]:
        if self.is_schema_generation:
            return MailBatch.objects.none()
        return batches_of(self.policy_subject())


class BatchDetail(ChairsOnly):
    """One batch with each of its mails as it will be sent."""

    @extend_schema(
        responses=inline_serializer(
            "BatchWithMail", {"batch": BatchSerializer(), "mails": MailWithBodySerializer(many=True)}
        )
    )
    def get(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        batch = self.batch()
        mails = MailWithBodySerializer(batch_mails(batch), many=True).data
        return Response({"batch": BatchSerializer(batch).data, "mails": mails})


SETTLED = inline_serializer("BatchSettled", {"mails": serializers.IntegerField()})


class BatchRelease(ChairsOnly):
    """Send a held batch; a batch already released or cancelled answers 400 and sends nothing."""

    @extend_schema(request=None, responses=SETTLED)
    def post(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        return Response({"mails": services.mail_batch_release(batch=self.batch(), by=request.user)})


class BatchCancel(ChairsOnly):
    """Drop a held batch: none of its mail is sent."""

    @extend_schema(request=None, responses=SETTLED)
    def post(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        return Response({"mails": services.mail_batch_cancel(batch=self.batch(), by=request.user)})


def _route(suffix: str, view: Any, name: str) -> Any:
    return path(f"editions/<slug:edition_slug>/{suffix}", view.as_view(), name=name)


urlpatterns = [
    _route("mail/", MailList, "mail-list"),
    _route("mail-batches/", BatchList, "mail-batch-list"),
    _route("mail-batches/<int:batch_id>/", BatchDetail, "mail-batch-detail"),
    _route("mail-batches/<int:batch_id>/release/", BatchRelease, "mail-batch-release"),
    _route("mail-batches/<int:batch_id>/cancel/", BatchCancel, "mail-batch-cancel"),
]
