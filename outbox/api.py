"""REST endpoints of the outbox, for the chairs: the edition's mail, its batches, releasing or
cancelling a held batch, and the composer (recipient sets, preview, queueing a held batch);
for everyone: their choice of non-essential mail."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission, query_parameters
from outbox import composer, services
from outbox.forms import MailFilterForm
from outbox.models import Mail, MailBatch
from outbox.preferences import mail_opt_out_set, opted_out_user
from outbox.recipients import recipient_sets
from outbox.selectors import batch_mails, batches_of
from outbox.views import filtered_mails, held_count, hidden_papers

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

    def hidden(self) -> frozenset[int]:
        """The papers whose mail the caller may not read (their conflicts)."""
        return hidden_papers(self.request.user, self.policy_subject())

    def batch(self) -> MailBatch:
        batches = batches_of(self.policy_subject(), hidden_paper_ids=self.hidden())
        return get_object_or_404(batches, pk=self.kwargs["batch_id"])


@extend_schema(parameters=query_parameters(MailFilterForm))
class MailList(ChairsOnly, generics.ListAPIView):
    """The edition's mail with its delivery status, newest first."""

    serializer_class = MailSerializer

    def get_queryset(self) -> QuerySet[Mail]:
        if self.is_schema_generation:
            return Mail.objects.none()
        form, mails = filtered_mails(self.request.user, self.policy_subject(), self.request.query_params)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        return mails


class BatchList(ChairsOnly, generics.ListAPIView):
    """The edition's mail batches, newest first."""

    serializer_class = BatchSerializer

    def get_queryset(self) -> QuerySet[MailBatch]:
        if self.is_schema_generation:
            return MailBatch.objects.none()
        return batches_of(self.policy_subject(), hidden_paper_ids=self.hidden())


class BatchDetail(ChairsOnly):
    """One batch with each of its mails as it will be sent."""

    @extend_schema(
        responses=inline_serializer(
            "BatchWithMail", {"batch": BatchSerializer(), "mails": MailWithBodySerializer(many=True)}
        )
    )
    def get(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        batch = self.batch()
        mails = MailWithBodySerializer(batch_mails(batch, hidden_paper_ids=self.hidden()), many=True).data
        return Response({"batch": BatchSerializer(batch).data, "mails": mails})


SETTLED = inline_serializer("BatchSettled", {"mails": serializers.IntegerField()})


class BatchRelease(ChairsOnly):
    """Send a held batch; a batch already released or cancelled answers 400 and sends nothing."""

    @extend_schema(request=None, responses=SETTLED)
    def post(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        batch = self.batch()
        count = held_count(request.user, batch)  # of those the caller may read
        services.mail_batch_release(batch=batch, by=request.user)
        return Response({"mails": count})


class BatchCancel(ChairsOnly):
    """Drop a held batch: none of its mail is sent."""

    @extend_schema(request=None, responses=SETTLED)
    def post(self, request: Request, edition_slug: str, batch_id: int) -> Response:
        batch = self.batch()
        count = held_count(request.user, batch)  # of those the caller may read
        services.mail_batch_cancel(batch=batch, by=request.user)
        return Response({"mails": count})


# --- The composer ----------------------------------------------------------------------------


class PlaceholderSerializer(serializers.Serializer):
    name = serializers.CharField()
    meaning = serializers.CharField()


class StartingTextSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    subject = serializers.CharField()
    body = serializers.CharField()


class RecipientSetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    placeholders = PlaceholderSerializer(many=True)
    starting_texts = StartingTextSerializer(many=True, help_text="Texts a mail to the set may start from.")


class ComposeSerializer(serializers.Serializer):
    recipient_set = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=1000)
    body = serializers.CharField(max_length=20000)
    essential = serializers.BooleanField(help_text="Decisions and deadlines are; announcements are not.")


class ComposeQueueSerializer(ComposeSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ComposedMailSerializer(serializers.Serializer):
    to_email = serializers.EmailField()
    to_name = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()


class CompositionSerializer(serializers.Serializer):
    recipient_set = serializers.CharField()
    recipient_count = serializers.IntegerField()
    mails = ComposedMailSerializer(many=True)


class RecipientSetList(ChairsOnly):
    """The recipient sets the composer offers, each with the placeholders its mails may use."""

    @extend_schema(responses=RecipientSetSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        data = [
            {
                "key": s.key,
                "label": s.label,
                "description": s.description,
                "placeholders": [{"name": name, "meaning": meaning} for name, meaning in s.placeholders.items()],
                "starting_texts": [
                    {"key": t.key, "label": t.label, "subject": t.subject, "body": t.body} for t in s.starting_texts
                ],
            }
            for s in recipient_sets()
        ]
        return Response(RecipientSetSerializer(data, many=True).data)


def _compose_arguments(view: ChairsOnly, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    serializer = serializer_class(data=view.request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    return {
        "edition": view.policy_subject(),
        "recipient_set_key": data.pop("recipient_set"),
        "by": view.request.user,
        **data,
    }


class ComposePreview(ChairsOnly):
    """The first mails to the recipient set exactly as they will be sent; a placeholder the set
    does not offer, or a template that does not render, answers 400 with the reason."""

    @extend_schema(request=ComposeSerializer, responses=CompositionSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        composition = composer.mail_compose(**_compose_arguments(self, ComposeSerializer))
        data = {
            "recipient_set": composition.recipient_set.key,
            "recipient_count": composition.recipient_count,
            "mails": [
                {"to_email": m.recipient.email, "to_name": m.recipient.name, "subject": m.subject, "body": m.body}
                for m in composition.mails
            ],
        }
        return Response(CompositionSerializer(data).data)


class ComposeQueue(ChairsOnly):
    """Queue one mail per recipient in a new held batch (sent once a chair releases it)."""

    @extend_schema(request=ComposeQueueSerializer, responses={201: BatchSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        batch = composer.mail_compose_queue(**_compose_arguments(self, ComposeQueueSerializer))
        shown = batches_of(batch.edition, hidden_paper_ids=self.hidden())
        return Response(BatchSerializer(shown.get(pk=batch.pk)).data, status=201)


# --- Everyone's choice of non-essential mail --------------------------------------------------


class MailPreferenceSerializer(serializers.Serializer):
    no_non_essential = serializers.BooleanField(
        help_text="No announcements; decisions, deadlines, reviews and receipts still come."
    )


class MailPreference(APIView):
    """Whether the caller gets non-essential mail (announcements)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=MailPreferenceSerializer)
    def get(self, request: Request) -> Response:
        return Response({"no_non_essential": opted_out_user(request.user)})

    @extend_schema(request=MailPreferenceSerializer, responses=MailPreferenceSerializer)
    def put(self, request: Request) -> Response:
        serializer = MailPreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data["no_non_essential"]
        mail_opt_out_set(user=request.user, opted_out=wanted, by=request.user)
        return Response({"no_non_essential": wanted})


def _route(suffix: str, view: Any, name: str) -> Any:
    return path(f"editions/<slug:edition_slug>/{suffix}", view.as_view(), name=name)


urlpatterns = [
    _route("mail/", MailList, "mail-list"),
    _route("mail-batches/", BatchList, "mail-batch-list"),
    _route("mail-batches/<int:batch_id>/", BatchDetail, "mail-batch-detail"),
    _route("mail-batches/<int:batch_id>/release/", BatchRelease, "mail-batch-release"),
    _route("mail-batches/<int:batch_id>/cancel/", BatchCancel, "mail-batch-cancel"),
    _route("mail-recipient-sets/", RecipientSetList, "mail-recipient-set-list"),
    _route("mail-compose/preview/", ComposePreview, "mail-compose-preview"),
    _route("mail-compose/queue/", ComposeQueue, "mail-compose-queue"),
    path("mail-preference/", MailPreference.as_view(), name="mail-preference"),
]
