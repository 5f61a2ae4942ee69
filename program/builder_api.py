"""REST endpoints of the chairs' program builder, under ``editions/<slug>/program/builder/``:
rooms, sessions, the papers placed in them (slots), the conflicts, the changes not published
yet, publishing, and the published versions. PC chairs only; the services check the rest."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.models import Edition
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import id_field, policy_permission
from program import conflicts, publishing, services
from program.models import ProgramSession, ProgramVersion, Room, SessionKind, Slot
from program.selectors import published_version

TAGS = ["program-builder"]
DIRECTIONS = (("up", "Earlier (one place up)"), ("down", "Later (one place down)"))


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ("id", "name", "position", "capacity")
        read_only_fields = ("id", "position")


class RoomChangeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=100_000, allow_null=True, required=False)
    move = serializers.ChoiceField(
        choices=DIRECTIONS, required=False, help_text="Move the room's column left or right."
    )


class TimedSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="slot.pk")
    number = serializers.IntegerField(help_text="The paper's number.")
    title = serializers.CharField(source="slot.submission.title")
    position = serializers.IntegerField(source="slot.position")
    duration_minutes = serializers.IntegerField(source="slot.duration_minutes")
    starts_at = serializers.DateTimeField(help_text="Computed: a talk starts when the one before it ends.")
    ends_at = serializers.DateTimeField()


class SessionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    room = serializers.IntegerField(source="room_id", allow_null=True, required=False, default=None)
    chair = serializers.IntegerField(
        source="chair_id", allow_null=True, required=False, default=None, help_text="A PC member's user id."
    )
    slots = serializers.SerializerMethodField()

    class Meta:
        model = ProgramSession
        fields = ("id", "title", "kind", "room", "starts_at", "ends_at", "chair", "speaker", "description", "slots")
        read_only_fields = ("id",)

    @extend_schema_field(TimedSlotSerializer(many=True))
    def get_slots(self, session: ProgramSession) -> list[dict[str, Any]]:
        return TimedSlotSerializer(conflicts.timed_slots(session), many=True).data  # type: ignore[return-value]


class SlotPlaceSerializer(serializers.Serializer):
    number = id_field(help_text="The accepted paper's number.")
    session = id_field(help_text="A talks or posters session's id.")
    position = serializers.IntegerField(min_value=0, required=False, allow_null=True, help_text="0: first; none: last.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=services.MAX_TALK_MINUTES, default=15)


class SlotChangeSerializer(serializers.Serializer):
    duration_minutes = serializers.IntegerField(min_value=1, max_value=services.MAX_TALK_MINUTES, required=False)
    session = id_field(required=False, help_text="Move the paper to this session.")
    position = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="With session: 0 first, none last."
    )
    move = serializers.ChoiceField(choices=DIRECTIONS, required=False, help_text="One place up or down in its session.")


class SlotSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="submission.number", read_only=True)

    class Meta:
        model = Slot
        fields = ("id", "number", "session", "position", "duration_minutes")


class WarningSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="presenter, paper, overrun, room, dates, chair_author or unplaced")
    message = serializers.CharField()
    sessions = serializers.ListField(child=serializers.IntegerField())
    papers = serializers.ListField(child=serializers.IntegerField())


class ChangesSerializer(serializers.Serializer):
    published = serializers.IntegerField(allow_null=True, help_text="The published version's number; null: none.")
    changes = serializers.ListField(child=serializers.CharField())
    blocked = serializers.CharField(allow_blank=True, help_text="Why publishing is refused now; empty: it is not.")


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramVersion
        fields = ("number", "published_at", "note", "changes")


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class BuilderView(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated, policy_permission("can_build_program"))

    def edition(self) -> Edition:
        return self.policy_subject()


def _session_input(values: dict[str, Any]) -> services.SessionInput:
    return services.SessionInput(
        title=values["title"],
        kind=values["kind"],
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        room_id=values.get("room_id"),
        chair_id=values.get("chair_id"),
        speaker=values.get("speaker", ""),
        description=values.get("description", ""),
    )


class RoomListView(BuilderView):
    """GET: the rooms in the schedule's order. POST: add one."""

    @extend_schema(tags=TAGS, responses=RoomSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(RoomSerializer(Room.objects.filter(edition=self.edition()), many=True).data)

    @extend_schema(tags=TAGS, request=RoomSerializer, responses={201: RoomSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(RoomSerializer, request)
        room = services.room_add(
            edition=self.edition(), name=data["name"], capacity=data.get("capacity"), by=acting_user(request)
        )
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomDetailView(BuilderView):
    """PATCH: rename, change the capacity, or move the room's column. DELETE: remove a room
    that holds no session (400 with the reason otherwise)."""

    def _room(self, room_id: int) -> Room:
        return get_object_or_404(Room, pk=room_id, edition=self.edition())

    @extend_schema(tags=TAGS, request=RoomChangeSerializer, responses=RoomSerializer)
    def patch(self, request: Request, edition_slug: str, room_id: int) -> Response:
        room = self._room(room_id)
        data = _valid(RoomChangeSerializer, request)
        by = acting_user(request)
        if "name" in data or "capacity" in data:
            room = services.room_update(
                room=room, name=data.get("name", room.name), capacity=data.get("capacity", room.capacity), by=by
            )
        if "move" in data:
            services.room_move(room=room, up=data["move"] == "up", by=by)
            room.refresh_from_db()
        return Response(RoomSerializer(room).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, edition_slug: str, room_id: int) -> Response:
        services.room_remove(room=self._room(room_id), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionListView(BuilderView):
    """GET: the draft's sessions in time order, each with its papers and their computed times.
    POST: add a session."""

    @extend_schema(tags=TAGS, responses=SessionSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(SessionSerializer(conflicts.program_sessions(self.edition()), many=True).data)

    @extend_schema(tags=TAGS, request=SessionSerializer, responses={201: SessionSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(SessionSerializer, request)
        session = services.session_save(edition=self.edition(), data=_session_input(data), by=acting_user(request))
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(BuilderView):
    """GET, PATCH (any of its fields), DELETE (its papers become unplaced)."""

    def _session(self, session_id: int) -> ProgramSession:
        return get_object_or_404(ProgramSession, pk=session_id, edition=self.edition())

    @extend_schema(tags=TAGS, responses=SessionSerializer)
    def get(self, request: Request, edition_slug: str, session_id: int) -> Response:
        return Response(SessionSerializer(self._session(session_id)).data)

    @extend_schema(tags=TAGS, request=SessionSerializer, responses=SessionSerializer)
    def patch(self, request: Request, edition_slug: str, session_id: int) -> Response:
        session = self._session(session_id)
        current = {
            "title": session.title,
            "kind": session.kind,
            "room_id": session.room_id,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "chair_id": session.chair_id,
            "speaker": session.speaker,
            "description": session.description,
        }
        data = SessionSerializer(session, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {**current, **data.validated_data}
        session = services.session_save(
            edition=self.edition(), session=session, data=_session_input(values), by=acting_user(request)
        )
        return Response(SessionSerializer(session).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, edition_slug: str, session_id: int) -> Response:
        services.session_remove(session=self._session(session_id), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlotPlaceView(BuilderView):
    """POST: place an accepted paper into a talks or posters session (400 for any other paper)."""

    @extend_schema(tags=TAGS, request=SlotPlaceSerializer, responses={201: SlotSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(SlotPlaceSerializer, request)
        edition = self.edition()
        session = get_object_or_404(ProgramSession, pk=data["session"], edition=edition)
        paper = get_object_or_404(edition.submissions.all(), number=data["number"])
        slot = services.slot_place(
            session=session,
            submission=paper,
            position=data.get("position"),
            duration_minutes=data["duration_minutes"],
            by=acting_user(request),
        )
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class SlotDetailView(BuilderView):
    """PATCH: change the talk's duration, move it up or down, or to another session. DELETE:
    take the paper out of the session."""

    def _slot(self, slot_id: int) -> Slot:
        slots = Slot.objects.select_related("session__edition", "submission")
        return get_object_or_404(slots, pk=slot_id, session__edition=self.edition())

    @extend_schema(tags=TAGS, request=SlotChangeSerializer, responses=SlotSerializer)
    def patch(self, request: Request, edition_slug: str, slot_id: int) -> Response:
        slot = self._slot(slot_id)
        data = _valid(SlotChangeSerializer, request)
        by = acting_user(request)
        if "session" in data:
            target = get_object_or_404(ProgramSession, pk=data["session"], edition=self.edition())
            slot = services.slot_transfer(slot=slot, session=target, position=data.get("position"), by=by)
        if "move" in data:
            slot = services.slot_move(slot=slot, up=data["move"] == "up", by=by)
        if "duration_minutes" in data:
            slot = services.slot_set_duration(slot=slot, duration_minutes=data["duration_minutes"], by=by)
        slot.refresh_from_db()
        return Response(SlotSerializer(slot).data)

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, edition_slug: str, slot_id: int) -> Response:
        services.slot_remove(slot=self._slot(slot_id), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConflictsView(BuilderView):
    """GET: the draft's conflicts, then the accepted papers placed nowhere (kind ``unplaced``)."""

    @extend_schema(tags=TAGS, responses=WarningSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(WarningSerializer(conflicts.all_warnings(self.edition()), many=True).data)


class ChangesView(BuilderView):
    """GET: what publishing now would change for readers, and why publishing is refused, if it is."""

    @extend_schema(tags=TAGS, responses=ChangesSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        edition = self.edition()
        version = published_version(edition)
        payload = {
            "published": version.number if version else None,
            "changes": publishing.unpublished_changes(edition),
            "blocked": publishing.why_not_publishable(edition) or "",
        }
        return Response(ChangesSerializer(payload).data)


class PublishView(BuilderView):
    """POST: publish the draft as the next version (400 when a placed paper's decision is not
    released yet, or when nothing changed)."""

    @extend_schema(tags=TAGS, request=PublishSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(PublishSerializer, request)
        version = publishing.publish(self.edition(), by=acting_user(request), note=data["note"])
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionListView(BuilderView):
    """GET: the published versions, newest first, with their change logs."""

    @extend_schema(tags=TAGS, responses=VersionSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        versions = ProgramVersion.objects.filter(edition=self.edition()).defer("snapshot").order_by("-number")
        return Response(VersionSerializer(versions, many=True).data)


PREFIX = "editions/<slug:edition_slug>/program/builder/"
urlpatterns = [
    path(f"{PREFIX}rooms/", RoomListView.as_view(), name="program-builder-rooms"),
    path(f"{PREFIX}rooms/<int:room_id>/", RoomDetailView.as_view(), name="program-builder-room"),
    path(f"{PREFIX}sessions/", SessionListView.as_view(), name="program-builder-sessions"),
    path(f"{PREFIX}sessions/<int:session_id>/", SessionDetailView.as_view(), name="program-builder-session"),
    path(f"{PREFIX}slots/", SlotPlaceView.as_view(), name="program-builder-slots"),
    path(f"{PREFIX}slots/<int:slot_id>/", SlotDetailView.as_view(), name="program-builder-slot"),
    path(f"{PREFIX}conflicts/", ConflictsView.as_view(), name="program-builder-conflicts"),
    path(f"{PREFIX}changes/", ChangesView.as_view(), name="program-builder-changes"),
    path(f"{PREFIX}publish/", PublishView.as_view(), name="program-builder-publish"),
    path(f"{PREFIX}versions/", VersionListView.as_view(), name="program-builder-versions"),
]
