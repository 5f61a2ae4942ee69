"""REST endpoints of the chairs' configuration of joint review: the fields of the review and
meta-review forms, the review settings and the review rounds, under the same services and
policy as the pages (:mod:`reviews.configuration`, ``can_configure_reviews``).

A field's ``levels`` are ``[{"value": 1, "label": "Strong reject"}, ...]`` (integers in
ascending order for a score, short texts for a choice). DELETE on a field deletes it when nobody
has answered it (204), else retires it (200, the field with ``retired: true``). A round's
``closes_at`` sent without an offset is read in the edition's time zone.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conferences.api import ZONE_HELP, EditionTimeField
from conferences.phases import in_aoe
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from reviews import configuration
from reviews.models import FieldAudience, FieldType, FormKind, ReviewField, ReviewRound, ReviewSettings
from reviews.selectors import current_round, form_fields, round_closes_at, settings_of

KIND = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=FormKind.values, description="review, or meta for meta-reviews."
)
KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description="The field's key (made from its label).")


class LevelSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="An integer for a score (ascending), a short text for a choice.")
    label = serializers.CharField(max_length=100)  # type: ignore[assignment]  # a field, not Field.label

    def to_representation(self, instance: Any) -> dict[str, Any]:
        value, label = instance
        return {"value": value, "label": label}


class FieldSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    # Fields named as Field's own attributes (label, help_text, required): mypy's stubs object.
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]
    help_text = serializers.CharField(max_length=500, allow_blank=True, required=False)  # type: ignore[assignment]
    type = serializers.ChoiceField(choices=FieldType.choices, read_only=True)
    levels = LevelSerializer(many=True, required=False)
    min_words = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    max_words = serializers.IntegerField(min_value=1, max_value=10_000, allow_null=True, required=False)
    required = serializers.BooleanField(required=False)  # type: ignore[assignment]
    audience = serializers.ChoiceField(choices=FieldAudience.choices, required=False)
    position = serializers.IntegerField(
        min_value=1, required=False, help_text="1 for the first question; send it to move the field."
    )
    retired = serializers.BooleanField(read_only=True, help_text="No longer asked; its answers are kept.")
    answers = serializers.SerializerMethodField(help_text="Reviews answering it (drafts and earlier versions too).")

    def get_answers(self, field: ReviewField) -> int:
        counts = self.context.get("counts")
        return counts[field.key] if counts is not None else configuration.answer_count(field)

    def validate_levels(self, levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # A partial update (PATCH) makes the levels' own fields optional too; a level is a pair.
        if any("value" not in level or "label" not in level for level in levels):
            raise serializers.ValidationError("Each level needs a value and a label.")
        return levels

    def service_values(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "levels" in data:
            data["levels"] = [[level["value"], level["label"]] for level in data["levels"]]
        return data


class FieldCreateSerializer(FieldSerializer):
    type = serializers.ChoiceField(choices=FieldType.choices)
    position = serializers.IntegerField(read_only=True)


class ReviewSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewSettings
        fields = configuration.SETTINGS_FIELDS


class RoundSerializer(serializers.ModelSerializer):
    closes_at = EditionTimeField(
        required=False, allow_null=True, help_text=f"{ZONE_HELP} null: closes with the reviewing phase."
    )
    deadline = serializers.SerializerMethodField(help_text="When it closes: its own deadline or the reviewing phase's.")
    deadline_aoe = serializers.SerializerMethodField()

    class Meta:
        model = ReviewRound
        fields = ("id", "name", "position", "closes_at", "deadline", "deadline_aoe")
        read_only_fields = ("id", "position")
        extra_kwargs: dict[str, dict[str, Any]] = {"name": {"validators": []}}  # the service answers a taken name

    def get_deadline(self, review_round: ReviewRound) -> str | None:
        moment = round_closes_at(review_round)
        return moment.isoformat() if moment else None

    def get_deadline_aoe(self, review_round: ReviewRound) -> str | None:
        moment = round_closes_at(review_round)
        return in_aoe(moment).isoformat() if moment else None


class ChairsOnly(EditionScopedAPIMixin, APIView):
    permission_classes = (policy_permission("can_configure_reviews"),)

    def form_kind(self) -> FormKind:
        if self.kwargs.get("kind") not in FormKind.values:
            raise Http404("Not found.")
        return FormKind(self.kwargs["kind"])

    def field(self) -> ReviewField:
        form_fields(self.policy_subject(), self.form_kind())  # the default form exists
        return get_object_or_404(
            ReviewField.objects.select_related("form__edition"),
            form__edition=self.policy_subject(),
            form__kind=self.form_kind(),
            key=self.kwargs["key"],
        )


@extend_schema(parameters=[KIND])
class FieldList(ChairsOnly):
    """The fields of the edition's review (or meta-review) form, in order, retired ones too."""

    @extend_schema(responses=FieldSerializer(many=True))
    def get(self, request: Request, edition_slug: str, kind: str) -> Response:
        fields = form_fields(self.policy_subject(), self.form_kind(), with_retired=True)
        fields.sort(key=lambda field: (field.retired, field.position, field.pk))
        context = {"counts": configuration.answer_counts(fields)}
        return Response(FieldSerializer(fields, many=True, context=context).data)

    @extend_schema(request=FieldCreateSerializer, responses={201: FieldSerializer})
    def post(self, request: Request, edition_slug: str, kind: str) -> Response:
        serializer = FieldCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = configuration.field_add(
            by=request.user, edition=self.policy_subject(), kind=self.form_kind(), **serializer.service_values()
        )
        return Response(FieldSerializer(field).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[KIND, KEY])
class FieldDetail(ChairsOnly):
    """One field: read it, change it (``position`` moves it), delete or retire it."""

    @extend_schema(responses=FieldSerializer)
    def get(self, request: Request, edition_slug: str, kind: str, key: str) -> Response:
        return Response(FieldSerializer(self.field()).data)

    @extend_schema(request=FieldSerializer, responses=FieldSerializer)
    def patch(self, request: Request, edition_slug: str, kind: str, key: str) -> Response:
        field = self.field()
        serializer = FieldSerializer(field, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = serializer.service_values()
        position = changes.pop("position", None)
        if changes:
            field = configuration.field_change(by=request.user, field=field, **changes)
        if position is not None:
            field = configuration.field_move(by=request.user, field=field, to=position)
        field.refresh_from_db()
        return Response(FieldSerializer(field).data)

    @extend_schema(
        responses={
            200: OpenApiResponse(FieldSerializer, description="Retired: it has answers, which are kept."),
            204: OpenApiResponse(description="Deleted: nobody had answered it."),
        }
    )
    def delete(self, request: Request, edition_slug: str, kind: str, key: str) -> Response:
        field = self.field()
        if configuration.field_remove(by=request.user, field=field):
            return Response(status=status.HTTP_204_NO_CONTENT)
        field.refresh_from_db()
        return Response(FieldSerializer(field).data)


class SettingsDetail(ChairsOnly):
    """The edition's review settings: who on the PC sees reviews and names, the author response,
    reminders."""

    @extend_schema(responses=ReviewSettingsSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(ReviewSettingsSerializer(settings_of(self.policy_subject())).data)

    @extend_schema(request=ReviewSettingsSerializer, responses=ReviewSettingsSerializer)
    def patch(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        serializer = ReviewSettingsSerializer(settings_of(edition), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = configuration.settings_change(by=request.user, edition=edition, **serializer.validated_data)
        return Response(ReviewSettingsSerializer(saved).data)


class RoundsOfEdition(ChairsOnly):
    def context(self) -> dict[str, Any]:
        return {"edition": self.policy_subject()}


class RoundList(RoundsOfEdition):
    """The review rounds, in order; reviews started belong to the last one."""

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        current_round(edition)
        rounds = ReviewRound.objects.filter(edition=edition).select_related("edition")
        return Response(RoundSerializer(rounds, many=True, context=self.context()).data)

    @extend_schema(request=RoundSerializer, responses={201: RoundSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        serializer = RoundSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        added = configuration.round_add(by=request.user, edition=self.policy_subject(), **serializer.validated_data)
        return Response(RoundSerializer(added, context=self.context()).data, status=status.HTTP_201_CREATED)


class RoundDetail(RoundsOfEdition):
    """One round: rename it or set its own deadline."""

    def review_round(self) -> ReviewRound:
        return get_object_or_404(
            ReviewRound.objects.select_related("edition"), edition=self.policy_subject(), pk=self.kwargs["round_id"]
        )

    @extend_schema(request=RoundSerializer, responses=RoundSerializer)
    def patch(self, request: Request, edition_slug: str, round_id: int) -> Response:
        review_round = self.review_round()
        serializer = RoundSerializer(review_round, data=request.data, partial=True, context=self.context())
        serializer.is_valid(raise_exception=True)
        saved = configuration.round_change(by=request.user, review_round=review_round, **serializer.validated_data)
        return Response(RoundSerializer(saved, context=self.context()).data)


def _route(suffix: str, view: Any, name: str) -> Any:
    return path(f"editions/<slug:edition_slug>/{suffix}", view.as_view(), name=name)


urlpatterns = [
    _route("review-forms/<str:kind>/fields/", FieldList, "review-field-list"),
    _route("review-forms/<str:kind>/fields/<slug:key>/", FieldDetail, "review-field-detail"),
    _route("review-settings/", SettingsDetail, "review-settings"),
    _route("review-rounds/", RoundList, "review-round-list"),
    _route("review-rounds/<int:round_id>/", RoundDetail, "review-round-detail"),
]
