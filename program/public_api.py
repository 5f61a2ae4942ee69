"""REST endpoints of the public program (no login), under ``editions/<slug>/program/``: the
newest published version with its sessions and talks, its papers (``?q=`` searches titles,
authors and keywords, in any case, with or without accents), one paper, one session. The
records are those of the JSON export (:mod:`program.exports`); 404 before publication."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from artifacts.models import Badge
from program import exports
from program.models import SessionKind
from program.public_program import PublishedProgram, newest_version, published_program

TAGS = ["program"]


class PublicEditionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    venue = serializers.CharField()
    time_zone = serializers.CharField(help_text="The IANA zone the times are given in.")
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)


class PublicRoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)


class PublicTalkSerializer(serializers.Serializer):
    paper = serializers.IntegerField(help_text="The paper's number.")
    starts_at = serializers.DateTimeField(help_text="Local time, with its offset.")
    ends_at = serializers.DateTimeField()


class PublicSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    room = serializers.IntegerField(allow_null=True, help_text="A room's id; null: plenary or for everyone.")
    starts_at = serializers.DateTimeField(help_text="Local time, with its offset.")
    ends_at = serializers.DateTimeField()
    chair = serializers.CharField(help_text="A name, or empty.")
    speaker = serializers.CharField()
    description = serializers.CharField()
    url = serializers.URLField(help_text="The session's public page.")
    talks = PublicTalkSerializer(many=True, help_text="The papers in order (a poster's time is its session's).")


class PublicAuthorSerializer(serializers.Serializer):
    name = serializers.CharField()
    affiliation = serializers.CharField()
    orcid = serializers.CharField(help_text="An ORCID iD, or empty.")


class PublicPaperSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    abstract = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    authors = PublicAuthorSerializer(many=True, help_text="In order.")
    presenter = serializers.CharField()
    badges = serializers.ListField(child=serializers.ChoiceField(choices=Badge.choices), help_text="Released only.")
    sessions = serializers.ListField(child=serializers.IntegerField(), help_text="Session ids, in time order.")
    url = serializers.URLField()
    pdf_url = serializers.URLField(allow_null=True, help_text="Null: no final PDF published.")
    bibtex_url = serializers.URLField()


class PublicProgramSerializer(serializers.Serializer):
    edition = PublicEditionSerializer()
    number = serializers.IntegerField(help_text="The version's number.")
    published_at = serializers.DateTimeField()
    note = serializers.CharField()
    rooms = PublicRoomSerializer(many=True)
    sessions = PublicSessionSerializer(many=True)


class PublicProgramAPIView(APIView):
    """Reads the edition's newest published version (404 before the first one)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()  # nothing here depends on who asks

    def program(self) -> PublishedProgram:
        _edition_id, stamp = newest_version(self.kwargs["edition_slug"])
        if stamp is None:
            raise Http404("The program is not published yet.")
        return published_program(stamp)


class PublicProgramView(PublicProgramAPIView):
    """The published program: its version, rooms and sessions with their talks."""

    @extend_schema(tags=TAGS, responses=PublicProgramSerializer, auth=[])
    def get(self, request: Request, edition_slug: str) -> Response:
        program = self.program()
        document = exports.program_json(program)
        data = {
            "edition": document["edition"],
            "number": program.number,
            "published_at": program.version.published_at,
            "note": program.version.note,
            "rooms": document["rooms"],
            "sessions": document["sessions"],
        }
        with timezone.override(program.zone):
            return Response(PublicProgramSerializer(data).data)


class PublicPaperListView(PublicProgramAPIView):
    """The papers of the published program, by number; ``q`` searches them."""

    @extend_schema(
        tags=TAGS,
        responses=PublicPaperSerializer(many=True),
        auth=[],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words to find in titles, authors and keywords.")
        ],
    )
    def get(self, request: Request, edition_slug: str) -> Response:
        program = self.program()
        query = request.query_params.get("q", "")[:200].strip()
        papers = program.search(query) if query else program.papers_in_order()
        return Response(PublicPaperSerializer([exports.paper_record(program, p) for p in papers], many=True).data)


class PublicPaperView(PublicProgramAPIView):
    @extend_schema(tags=TAGS, responses=PublicPaperSerializer, auth=[])
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        program = self.program()
        paper = program.paper(number)
        if paper is None:
            raise Http404("No such paper in the program.")
        return Response(PublicPaperSerializer(exports.paper_record(program, paper)).data)


class PublicSessionView(PublicProgramAPIView):
    @extend_schema(tags=TAGS, responses=PublicSessionSerializer, auth=[])
    def get(self, request: Request, edition_slug: str, session_id: int) -> Response:
        program = self.program()
        session = program.session(session_id)
        if session is None:
            raise Http404("No such session in the program.")
        with timezone.override(program.zone):
            return Response(PublicSessionSerializer(exports.session_record(program, session)).data)


PREFIX = "editions/<slug:edition_slug>/program/"
urlpatterns = [
    path(PREFIX, PublicProgramView.as_view(), name="program-public"),
    path(f"{PREFIX}papers/", PublicPaperListView.as_view(), name="program-public-papers"),
    path(f"{PREFIX}papers/<int:number>/", PublicPaperView.as_view(), name="program-public-paper"),
    path(f"{PREFIX}sessions/<int:session_id>/", PublicSessionView.as_view(), name="program-public-session"),
]
