"""REST endpoints of the decisions: the dashboard's rows (with its filters and search), one
paper's decision (read, set), decisions in bulk, the categories, tags, the discussion order and
the export. The edition's PC chairs only; a chair conflicted with a paper gets the 404 of a
missing one for it, and none of its rows."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.scoping import EditionScopedAPIMixin
from decisions import meeting as meeting_services
from decisions import services
from decisions.dashboard import Filters, PaperRow, dashboard_rows, paper_rows, visible_tags
from decisions.exports import export_record
from decisions.models import DecisionCategory, Outcome
from decisions.policy import can_decide_paper
from mlsys_conf.api import id_field, policy_permission
from mlsys_conf.policy import visible_or_404
from submissions.models import Submission

CHAIRS = (IsAuthenticated, policy_permission("can_decide"))
TAGS = ["decisions"]


class ScoreSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="The reviewer as you may know them.")
    score = serializers.FloatField()


class PaperRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    area = serializers.CharField(help_text="The paper's topic: systems, ml or both.")
    state = serializers.CharField()
    scores = ScoreSerializer(many=True, help_text="The overall-merit scores of the reviews you may read.")
    mean = serializers.FloatField(allow_null=True)
    calibrated = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True, help_text="Highest score minus lowest.")
    high_disagreement = serializers.BooleanField()
    recommendations = serializers.ListField(
        child=serializers.CharField(), help_text="The meta-reviews' recommendations."
    )
    submitted = serializers.IntegerField(help_text="Submitted reviews (meta-reviews aside).")
    assigned = serializers.IntegerField(help_text="Committed reviewers.")
    tags = serializers.ListField(child=serializers.CharField())
    decision = serializers.CharField(help_text='The decision\'s name, "Withdrawn", "Desk rejected" or "" (none).')
    decision_category_id = serializers.IntegerField(allow_null=True)
    released = serializers.BooleanField(help_text="Whether authors and reviewers are shown the decision.")
    is_pending = serializers.BooleanField()
    position = serializers.IntegerField(allow_null=True, help_text="In the PC meeting's discussion order.")


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="The search box's terms (see the dashboard: mean>=4, tag:x, #12, ...)."),
    OpenApiParameter("area", str, description="systems, ml or both."),
    OpenApiParameter("tag", str),
    OpenApiParameter("decision", str, description="none, pending, released, or a category's id."),
    OpenApiParameter("disagreement", bool, description="Only papers whose scores disagree much."),
    OpenApiParameter(
        "sort",
        str,
        description="A column (number, title, area, mean, calibrated, spread, "
        'recommendation, completion, tags, decision, position), "-" first to reverse.',
    ),
]


class DecisionListView(EditionScopedAPIMixin, APIView):
    """The decision dashboard's rows: every paper you manage, filtered and sorted as asked."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, parameters=FILTER_PARAMETERS, responses=PaperRowSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        rows, _ = dashboard_rows(request.user, self.policy_subject(), Filters.from_query(request.query_params))
        return Response(PaperRowSerializer(rows, many=True).data)


def _managed_paper(view: EditionScopedAPIMixin, number: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("edition"), edition=view.policy_subject(), number=number
    )
    visible_or_404(can_decide_paper(view.request.user, submission))
    return submission


def _row(user: object, submission: Submission) -> PaperRow:
    return next(row for row in paper_rows(user, submission.edition) if row.number == submission.number)


class DecisionInputSerializer(serializers.Serializer):
    category = id_field(help_text="A decision category's id (see decision-categories).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PaperDecisionView(EditionScopedAPIMixin, APIView):
    """One paper's row; PUT records its decision (pending until decisions are released)."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses=PaperRowSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return Response(PaperRowSerializer(_row(request.user, _managed_paper(self, number))).data)

    @extend_schema(tags=TAGS, request=DecisionInputSerializer, responses=PaperRowSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = _managed_paper(self, number)
        data = _valid(DecisionInputSerializer, request)
        category = _category(self, data["category"])
        services.decision_set(by=acting_user(request), submission=submission, category=category, note=data["note"])
        return Response(PaperRowSerializer(_row(request.user, submission)).data)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _category(view: EditionScopedAPIMixin, pk: int) -> DecisionCategory:
    category = DecisionCategory.objects.filter(edition=view.policy_subject(), pk=pk).first()
    if category is None:
        raise serializers.ValidationError({"category": ["No such decision category in this edition."]})
    return category


class BulkInputSerializer(serializers.Serializer):
    papers = serializers.ListField(child=id_field(), allow_empty=False)
    category = id_field()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BulkResultSerializer(serializers.Serializer):
    decided = serializers.ListField(child=serializers.IntegerField(), help_text="The papers' numbers.")
    category = serializers.CharField()


class DecisionBulkView(EditionScopedAPIMixin, APIView):
    """Record one decision for many papers, or for none: a 400 names every paper that can't be
    decided (conflicted, missing, withdrawn, ...)."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, request=BulkInputSerializer, responses=BulkResultSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(BulkInputSerializer, request)
        edition = self.policy_subject()
        category = _category(self, data["category"])
        papers = services.papers_by_number(edition, data["papers"])
        services.decisions_bulk_set(
            by=acting_user(request), edition=edition, submissions=papers, category=category, note=data["note"]
        )
        return Response({"decided": [p.number for p in papers], "category": category.name})


class CategorySerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)

    class Meta:
        model = DecisionCategory
        fields = ("id", "name", "outcome", "position")


class CategoryListView(EditionScopedAPIMixin, APIView):
    """The edition's decision categories, in order."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses=CategorySerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(CategorySerializer(services.categories_of(self.policy_subject()), many=True).data)


class TagSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)


class TagListView(EditionScopedAPIMixin, APIView):
    """The edition's tags on papers the caller handles (none only a paper they are conflicted with carries)."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses=TagSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(TagSerializer(visible_tags(request.user, self.policy_subject()), many=True).data)


class PaperTagsSerializer(serializers.Serializer):
    tags = serializers.ListField(child=serializers.CharField())


class PaperTagListView(EditionScopedAPIMixin, APIView):
    """Tag a paper you manage."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, request=TagSerializer, responses={201: PaperTagsSerializer})
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = _managed_paper(self, number)
        data = _valid(TagSerializer, request)
        services.tag_add(by=acting_user(request), submission=submission, name=data["name"])
        return Response({"tags": _row(request.user, submission).tags}, status=status.HTTP_201_CREATED)


class PaperTagDetailView(EditionScopedAPIMixin, APIView):
    """Take a tag off a paper you manage."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, edition_slug: str, number: int, name: str) -> Response:
        submission = _managed_paper(self, number)
        services.tag_remove(by=acting_user(request), submission=submission, name=name)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderSerializer(serializers.Serializer):
    papers = serializers.ListField(
        child=id_field(), help_text="Paper numbers in the order of discussion."
    )


class DecisionOrderView(EditionScopedAPIMixin, APIView):
    """The PC meeting's discussion order of the papers you manage (PUT replaces it)."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses=OrderSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        rows = [row for row in paper_rows(request.user, self.policy_subject()) if row.position is not None]
        return Response({"papers": [row.number for row in sorted(rows, key=lambda r: r.position or 0)]})

    @extend_schema(tags=TAGS, request=OrderSerializer, responses=OrderSerializer)
    def put(self, request: Request, edition_slug: str) -> Response:
        data = _valid(OrderSerializer, request)
        edition = self.policy_subject()
        papers = services.papers_by_number(edition, data["papers"])
        order = services.order_set(by=acting_user(request), edition=edition, submissions=papers)
        return Response({"papers": order})


class ExportScoreSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    score = serializers.FloatField()


class ExportRecordSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    area = serializers.CharField()
    scores = ExportScoreSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    calibrated = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True)
    recommendation = serializers.ListField(child=serializers.CharField())
    submitted_reviews = serializers.IntegerField()
    assigned_reviewers = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    decision = serializers.CharField()
    decision_released = serializers.BooleanField(allow_null=True)
    discussion_position = serializers.IntegerField(allow_null=True)


class ExportSerializer(serializers.Serializer):
    papers = ExportRecordSerializer(many=True)


class DecisionExportView(EditionScopedAPIMixin, APIView):
    """The export of the dashboard (as export.json): every paper you manage with its scores
    and decision."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, responses=ExportSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        rows = paper_rows(request.user, self.policy_subject())
        return Response({"papers": [export_record(row) for row in rows]})


# --- The PC meeting -------------------------------------------------------------------------


class MeetingScoreSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="The reviewer as you may know them.")
    score = serializers.FloatField()


class MeetingCurrentSerializer(serializers.Serializer):
    number = serializers.IntegerField(allow_null=True, help_text="Null where you may not see the paper.")
    title = serializers.CharField(allow_null=True)
    area = serializers.CharField(allow_null=True, help_text="Null when you must leave the room.")
    must_leave = serializers.BooleanField(help_text="You must leave the room while the paper is discussed.")
    message = serializers.CharField(allow_blank=True)
    leaving = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Who must leave the room: for the chairs handling the paper only (null otherwise).",
    )
    scores = MeetingScoreSerializer(many=True, allow_null=True, help_text="Null where you may not read its reviews.")
    decision = serializers.CharField(allow_null=True, allow_blank=True, help_text="For the chairs handling it.")
    can_decide = serializers.BooleanField()


class MeetingPaperSerializer(serializers.Serializer):
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    current = serializers.BooleanField()
    decision = serializers.CharField(allow_null=True, allow_blank=True)


class MeetingStateSerializer(serializers.Serializer):
    open = serializers.BooleanField()
    version = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    is_chair = serializers.BooleanField()
    current = MeetingCurrentSerializer(allow_null=True)
    order = MeetingPaperSerializer(many=True)


class MeetingControlSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=("start", "next", "previous", "goto", "group", "end"))
    number = id_field(required=False, help_text="The paper to discuss (goto).")


class MeetingDecideSerializer(serializers.Serializer):
    number = id_field(help_text="The paper under discussion (refused if the meeting moved on).")
    category = id_field()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _open_meeting(edition: Any) -> Any:
    current = meeting_services.open_meeting(edition)
    if current is None:
        raise serializers.ValidationError({"action": ["The meeting has not started."]})
    return current


class MeetingView(EditionScopedAPIMixin, APIView):
    """The PC meeting as you are shown it (the live page's JSON): the paper under discussion
    and the discussion order. PC members and chairs."""

    permission_classes = (IsAuthenticated, policy_permission("can_attend_meeting"))

    @extend_schema(tags=TAGS, responses=MeetingStateSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        return Response(meeting_services.meeting_state(request.user, self.policy_subject()))


class MeetingControlView(EditionScopedAPIMixin, APIView):
    """The chairs move the meeting: start, next, previous, goto (a paper), group (the order by
    conflicts), end."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, request=MeetingControlSerializer, responses=MeetingStateSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(MeetingControlSerializer, request)
        edition, by, action = self.policy_subject(), acting_user(request), data["action"]
        if action == "start":
            meeting_services.meeting_start(by=by, edition=edition)
        elif action == "group":
            meeting_services.meeting_group_order(by=by, edition=edition)
        elif action == "next":
            meeting_services.meeting_next(by=by, meeting=_open_meeting(edition))
        elif action == "previous":
            meeting_services.meeting_previous(by=by, meeting=_open_meeting(edition))
        elif action == "end":
            meeting_services.meeting_end(by=by, meeting=_open_meeting(edition))
        else:
            current = _open_meeting(edition)
            (paper,) = services.papers_by_number(edition, [data.get("number") or 0])
            meeting_services.meeting_set_current(by=by, meeting=current, submission=paper)
        return Response(meeting_services.meeting_state(request.user, edition))


class MeetingDecideView(EditionScopedAPIMixin, APIView):
    """The decision on the paper under discussion (a chair conflicted with it gets a 404)."""

    permission_classes = CHAIRS

    @extend_schema(tags=TAGS, request=MeetingDecideSerializer, responses=MeetingStateSerializer)
    def post(self, request: Request, edition_slug: str) -> Response:
        data = _valid(MeetingDecideSerializer, request)
        edition = self.policy_subject()
        current = _open_meeting(edition)
        if current.current is None:
            raise serializers.ValidationError({"number": ["No paper is under discussion."]})
        visible_or_404(can_decide_paper(request.user, current.current))
        if data["number"] != current.current.number:
            raise serializers.ValidationError({"number": ["The meeting has moved on to another paper."]})
        category = _category(self, data["category"])
        meeting_services.meeting_decide(by=acting_user(request), meeting=current, category=category, note=data["note"])
        return Response(meeting_services.meeting_state(request.user, edition))


BASE = "editions/<slug:edition_slug>/decisions/"
urlpatterns = [
    path(BASE, DecisionListView.as_view(), name="decision-list"),
    path(f"{BASE}bulk/", DecisionBulkView.as_view(), name="decision-bulk"),
    path(f"{BASE}categories/", CategoryListView.as_view(), name="decision-category-list"),
    path(f"{BASE}tags/", TagListView.as_view(), name="decision-tag-list"),
    path(f"{BASE}order/", DecisionOrderView.as_view(), name="decision-order"),
    path(f"{BASE}export/", DecisionExportView.as_view(), name="decision-export"),
    path(f"{BASE}meeting/", MeetingView.as_view(), name="decision-meeting"),
    path(f"{BASE}meeting/control/", MeetingControlView.as_view(), name="decision-meeting-control"),
    path(f"{BASE}meeting/decide/", MeetingDecideView.as_view(), name="decision-meeting-decide"),
    path(f"{BASE}papers/<int:number>/", PaperDecisionView.as_view(), name="paper-decision"),
    path(f"{BASE}papers/<int:number>/tags/", PaperTagListView.as_view(), name="paper-tag-list"),
    path(f"{BASE}papers/<int:number>/tags/<str:name>/", PaperTagDetailView.as_view(), name="paper-tag-detail"),
]
