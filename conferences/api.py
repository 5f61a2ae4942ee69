"""REST endpoints for editions, their deadlines and current phase.

Times are ISO 8601. Every time the API returns carries its offset (``Z`` for UTC, the
edition's offset in ``closes_at_local``). A time sent with an offset is that instant; one
sent without is read in the edition's time zone, exactly as the chairs' deadlines form reads
what is typed into it (a time the clock skips or repeats there is refused, as by the form); a
deadline's time may instead name its zone, ``"aoe"`` (Anywhere on Earth, UTC-12), in
``<time>_zone``, as the form's choice next to each time does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.forms.utils import from_current_timezone
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from conferences import releases, selectors, services
from conferences.forms import IN_EDITION_ZONE, TIME_ZONE_OF_ENTRY, wall_clock_to_instant
from conferences.models import Deadline, Edition, Phase, Release, ReleaseKind
from conferences.phases import in_aoe
from conferences.policy import can_manage_edition
from conferences.services import EDITION_FIELDS
from mlsys_conf.policy import require


class DeadlineSerializer(serializers.ModelSerializer):
    """``closes_at`` is the hard close; ``soft_closes_at`` (or null) the announced deadline,
    after which input is still taken until the hard close, marked late."""

    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    closes_at_local = serializers.SerializerMethodField()
    closes_at_aoe = serializers.SerializerMethodField()
    soft_closes_at_aoe = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = (
            "phase",
            "phase_label",
            "opens_at",
            "soft_closes_at",
            "soft_closes_at_aoe",
            "closes_at",
            "closes_at_local",
            "closes_at_aoe",
        )

    def get_closes_at_local(self, deadline: Deadline) -> str:
        return deadline.closes_local().isoformat()

    def get_closes_at_aoe(self, deadline: Deadline) -> str:
        return in_aoe(deadline.closes_at).isoformat()

    def get_soft_closes_at_aoe(self, deadline: Deadline) -> str | None:
        return in_aoe(deadline.soft_closes_at).isoformat() if deadline.soft_closes_at else None


class EditionSerializer(serializers.ModelSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)
    current_phase = serializers.SerializerMethodField()
    open_phases = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = ("slug", *EDITION_FIELDS, "deadlines", "current_phase", "open_phases")
        read_only_fields = ("slug",)

    def get_current_phase(self, edition: Edition) -> str | None:
        window = selectors.edition_timeline(edition).current(timezone.now())
        return window.phase.value if window else None

    def get_open_phases(self, edition: Edition) -> list[str]:
        return [p.value for p in selectors.edition_timeline(edition).open_phases(timezone.now())]


class EditionTimeField(serializers.DateTimeField):
    """A time with an offset is that instant; a time without one is read in the edition's zone
    (``context["edition"]``) by the same function as the deadlines form uses."""

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            with timezone.override(self.context["edition"].zone):
                try:
                    value = from_current_timezone(value)
                except DjangoValidationError as error:
                    raise serializers.ValidationError(error.messages) from error
        return super().enforce_timezone(value)


ZONE_HELP = "ISO 8601; without an offset, in the edition's time zone."


class WallClockTimeField(serializers.DateTimeField):
    """A time with an offset is that instant; one without is left naive, for the serializer to read
    in the zone sent next to it."""

    def enforce_timezone(self, value: datetime) -> datetime:
        return value if timezone.is_naive(value) else super().enforce_timezone(value)


DEADLINE_TIMES = ("opens_at", "soft_closes_at", "closes_at")
ZONE_OF_TIME_HELP = (
    "The zone {time} is given in when it has no offset: 'edition' (the edition's time zone, the default) "
    "or 'aoe' (Anywhere on Earth, UTC-12). Leave it out for a time with an offset."
)
DEADLINE_TIME_HELP = (
    "ISO 8601: with an offset, that instant; without one, in the zone named by {time}_zone "
    "(the edition's time zone unless 'aoe'). Kept in UTC."
)


class DeadlinesInputSerializer(serializers.Serializer):
    """Each time is either an ISO 8601 instant with its offset (``2027-01-10T23:59:00-12:00``) or a
    wall-clock time with the zone it is typed in next to it (``"closes_at": "2027-01-10T23:59:00",
    "closes_at_zone": "aoe"``), read as the chairs' deadlines form reads it."""

    phase = serializers.ChoiceField(choices=Phase.choices)
    opens_at = WallClockTimeField(required=False, allow_null=True, help_text=DEADLINE_TIME_HELP.format(time="opens_at"))
    opens_at_zone = serializers.ChoiceField(
        choices=TIME_ZONE_OF_ENTRY, required=False, help_text=ZONE_OF_TIME_HELP.format(time="opens_at")
    )
    soft_closes_at = WallClockTimeField(
        required=False,
        allow_null=True,
        help_text=DEADLINE_TIME_HELP.format(time="soft_closes_at")
        + " The announced deadline; late input until closes_at.",
    )
    soft_closes_at_zone = serializers.ChoiceField(
        choices=TIME_ZONE_OF_ENTRY, required=False, help_text=ZONE_OF_TIME_HELP.format(time="soft_closes_at")
    )
    closes_at = WallClockTimeField(
        allow_null=True,
        help_text=DEADLINE_TIME_HELP.format(time="closes_at") + " The hard close; null removes the deadline.",
    )
    closes_at_zone = serializers.ChoiceField(
        choices=TIME_ZONE_OF_ENTRY, required=False, help_text=ZONE_OF_TIME_HELP.format(time="closes_at")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for name in DEADLINE_TIMES:
            moment, zone = attrs.get(name), attrs.pop(f"{name}_zone", None)
            if moment is None:
                continue
            if zone and timezone.is_aware(moment):
                errors[f"{name}_zone"] = [f"{name} has an offset already: send the offset or a zone, not both."]
                continue
            with timezone.override(self.context["edition"].zone):
                try:
                    attrs[name] = wall_clock_to_instant(moment, zone or IN_EDITION_ZONE)
                except DjangoValidationError as error:
                    errors[name] = error.messages
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ReleaseSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    by = serializers.EmailField(source="by.email", read_only=True, allow_null=True)

    class Meta:
        model = Release
        fields = ("kind", "kind_label", "scheduled_at", "released_at", "by")
        read_only_fields = fields


class ReleaseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReleaseKind.choices)
    release_now = serializers.BooleanField(default=False, help_text="Release at once (scheduled_at is ignored).")
    scheduled_at = EditionTimeField(
        required=False, allow_null=True, help_text=f"{ZONE_HELP} null takes a planned release back."
    )


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    """Editions the caller may see. Chairs change settings and deadlines."""

    serializer_class = EditionSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "edition_slug"

    def get_queryset(self) -> QuerySet[Edition]:
        return selectors.visible_editions_for(self.request.user)

    @extend_schema(request=EditionSerializer, responses=EditionSerializer)
    @action(detail=True, methods=["patch"], url_path="settings")
    def update_settings(self, request: Request, edition_slug: str) -> Response:
        edition = self.get_object()
        require(can_manage_edition(request.user, edition))
        serializer = EditionSerializer(edition, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.edition_update(edition=edition, by=request.user, **serializer.validated_data)
        return Response(EditionSerializer(edition).data)

    @extend_schema(
        request=DeadlinesInputSerializer(many=True),
        responses=DeadlineSerializer(many=True),
    )
    @action(detail=True, methods=["put"], url_path="deadlines", pagination_class=None)  # a plain list
    def set_deadlines(self, request: Request, edition_slug: str) -> Response:
        edition = self.get_object()
        require(can_manage_edition(request.user, edition))
        serializer = DeadlinesInputSerializer(data=request.data, many=True, context={"edition": edition})
        serializer.is_valid(raise_exception=True)
        windows: dict[Phase, Any] = {
            Phase(row["phase"]): services.PhaseWindowInput(
                row.get("opens_at"), row["closes_at"], row.get("soft_closes_at")
            )
            if row["closes_at"]
            else None
            for row in serializer.validated_data
        }
        deadlines = services.deadlines_set(edition=edition, windows=windows, by=request.user)
        return Response(DeadlineSerializer(deadlines, many=True).data)

    @extend_schema(responses=ReleaseSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="releases", pagination_class=None)  # a plain list
    def releases(self, request: Request, edition_slug: str) -> Response:
        """Each release (reviews to authors, decisions, program): planned, released or neither."""
        edition = self.get_object()
        require(can_manage_edition(request.user, edition))
        return Response(ReleaseSerializer(selectors.releases_of(edition), many=True).data)

    @extend_schema(request=ReleaseInputSerializer, responses=ReleaseSerializer)
    @releases.mapping.post
    def set_release(self, request: Request, edition_slug: str) -> Response:
        """Schedule a release (``scheduled_at``), take the plan back (null), or release it now."""
        edition = self.get_object()
        require(can_manage_edition(request.user, edition))
        serializer = ReleaseInputSerializer(data=request.data, context={"edition": edition})
        serializer.is_valid(raise_exception=True)
        data, by = serializer.validated_data, request.user
        kind = ReleaseKind(data["kind"])
        if data["release_now"]:
            release = releases.release_now(by=by, edition=edition, kind=kind)
        else:
            release = releases.release_schedule(by=by, edition=edition, kind=kind, at=data.get("scheduled_at"))
        return Response(ReleaseSerializer(release).data)


router = SimpleRouter()
router.register("editions", EditionViewSet, basename="edition")
urlpatterns = router.urls
