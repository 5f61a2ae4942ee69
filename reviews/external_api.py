"""REST endpoints of external reviewers, under the rules of their pages (:mod:`reviews.external`):
a paper's requests (asking for one, as its PC reviewer or a chair handling it), the chairs' list
with their decisions, and what the e-mailed link offers (accepting or declining it).

Whoever may not open the paper gets the 404 of a missing paper; a request of a paper a chair is
conflicted with answers as a missing one; a link that was withdrawn or declined is not found."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import acting_user
from conferences.policy import can_manage_edition
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.policy import require
from reviews import external
from reviews.external_views import DEAD
from reviews.models import ExternalRequest, ExternalStatus
from reviews.selectors import paper_for_reviewer


class PaperExternalRequestSerializer(serializers.ModelSerializer):
    """A request as the paper's reviewer who made it sees it (never why an acceptance failed)."""

    paper = serializers.IntegerField(source="submission.number", read_only=True)

    class Meta:
        model = ExternalRequest
        fields: tuple[str, ...] = (
            "id",
            "paper",
            "name",
            "email",
            "reason",
            "status",
            "created_at",
            "decided_at",
            "answered_at",
        )
        read_only_fields: tuple[str, ...] = fields


class ChairExternalRequestSerializer(PaperExternalRequestSerializer):
    """A request as the chairs handling its paper see it."""

    paper_title = serializers.CharField(source="submission.title", read_only=True)
    requested_by = serializers.CharField(source="requested_by.display_name", read_only=True, allow_null=True)
    approved_by = serializers.CharField(source="approved_by.display_name", read_only=True, allow_null=True)
    answered_as = serializers.EmailField(source="user.email", read_only=True, allow_null=True)

    class Meta(PaperExternalRequestSerializer.Meta):
        fields = (
            *PaperExternalRequestSerializer.Meta.fields,
            "paper_title",
            "requested_by",
            "approved_by",
            "answered_as",
            "refusal",
        )
        read_only_fields = fields


class ExternalRequestInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    reason = serializers.CharField(max_length=external.REASON_MAX_CHARS, required=False, allow_blank=True, default="")


class ExternalLinkSerializer(serializers.Serializer):
    """What the e-mailed link offers: the paper's title and abstract, never its authors."""

    edition = serializers.CharField(source="submission.edition.name")
    name = serializers.CharField()
    title = serializers.CharField(source="submission.title")
    abstract = serializers.CharField(source="submission.abstract")
    status = serializers.ChoiceField(choices=ExternalStatus.choices)
    paper = serializers.SerializerMethodField(help_text="The paper's number, for the one who accepted.")

    def get_paper(self, row: ExternalRequest) -> int | None:
        user = self.context.get("user")
        mine = (
            row.user_id is not None
            and row.user_id == getattr(user, "pk", None)
            and row.status == ExternalStatus.ACCEPTED
        )
        return row.submission.number if mine else None


class PaperExternalRequestsView(EditionScopedAPIMixin, APIView):
    """The paper's requests the caller may see (all, for a chair handling it; their own, for a
    reviewer); POST asks for an external reviewer."""

    permission_classes = (IsAuthenticated,)

    def _paper(self, number: int) -> Any:
        return paper_for_reviewer(self.request.user, self.policy_subject(), number)

    @extend_schema(tags=["reviews"], responses=PaperExternalRequestSerializer(many=True))
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper(number)
        rows = external.requests_of_paper(request.user, submission).select_related("submission")
        return Response(PaperExternalRequestSerializer(rows, many=True).data)

    @extend_schema(
        tags=["reviews"], request=ExternalRequestInputSerializer, responses={201: PaperExternalRequestSerializer}
    )
    def post(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper(number)
        require(external.can_request_external(request.user, submission))  # a 403 before a 400
        data = ExternalRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = external.external_request(by=acting_user(request), submission=submission, **data.validated_data)
        return Response(PaperExternalRequestSerializer(row).data, status=status.HTTP_201_CREATED)


class ExternalRequestListView(EditionScopedAPIMixin, APIView):
    """The chairs' list: the requests of the papers they handle, awaiting ones first."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], responses=ChairExternalRequestSerializer(many=True))
    def get(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        require(can_manage_edition(request.user, edition))
        rows = external.requests_to_decide(request.user, edition)
        return Response(ChairExternalRequestSerializer(rows, many=True).data)


class _Decision(EditionScopedAPIMixin, APIView):
    permission_classes = (IsAuthenticated,)
    act: Any = None

    @extend_schema(tags=["reviews"], request=None, responses=ChairExternalRequestSerializer)
    def post(self, request: Request, edition_slug: str, pk: int) -> Response:
        edition = self.policy_subject()
        require(can_manage_edition(request.user, edition))
        row = external.request_to_decide(request.user, edition, pk)
        row = type(self).act(by=acting_user(request), request=row)
        return Response(ChairExternalRequestSerializer(row).data)


class ExternalApproveView(_Decision):
    """Approve a request awaiting the chairs: the person is mailed the link."""

    act = staticmethod(external.external_approve)


class ExternalDeclineView(_Decision):
    """Decline a request awaiting the chairs: nobody is mailed."""

    act = staticmethod(external.external_decline)


class ExternalWithdrawView(_Decision):
    """Withdraw an open request: its link stops working."""

    act = staticmethod(external.external_withdraw)


class _ByToken(APIView):
    def get_request(self) -> ExternalRequest:
        row = external.request_by_token(self.kwargs["token"])
        if row is None or row.status in DEAD:
            raise Http404("No open request has this link.")
        return row

    def _out(self, row: ExternalRequest) -> Response:
        row.refresh_from_db()
        return Response(ExternalLinkSerializer(row, context={"user": self.request.user}).data)


class ExternalLinkView(_ByToken):
    """What the link offers: the edition, the paper's title and abstract, and the status."""

    permission_classes = (AllowAny,)

    @extend_schema(tags=["reviews"], responses=ExternalLinkSerializer)
    def get(self, request: Request, token: str) -> Response:
        return Response(ExternalLinkSerializer(self.get_request(), context={"user": request.user}).data)


class ExternalLinkAcceptView(_ByToken):
    """Accept as the signed-in account (whatever its address); refused with a 400 and the
    reason when that account is conflicted with the paper. Accepting again is a no-op."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=["reviews"], request=None, responses=ExternalLinkSerializer)
    def post(self, request: Request, token: str) -> Response:
        row = self.get_request()
        external.external_accept(token=row.token, user=acting_user(request))
        return self._out(row)


class ExternalLinkDeclineView(_ByToken):
    """Decline with the link alone (no account needed)."""

    permission_classes = (AllowAny,)

    @extend_schema(tags=["reviews"], request=None, responses=ExternalLinkSerializer)
    def post(self, request: Request, token: str) -> Response:
        row = self.get_request()
        user = request.user if request.user.is_authenticated else None
        external.external_turn_down(token=row.token, user=user)
        return self._out(row)


urlpatterns = [
    path(
        "editions/<slug:edition_slug>/papers-to-review/<int:number>/external-requests/",
        PaperExternalRequestsView.as_view(),
        name="paper-external-requests",
    ),
    path(
        "editions/<slug:edition_slug>/external-requests/",
        ExternalRequestListView.as_view(),
        name="external-request-list",
    ),
    path(
        "editions/<slug:edition_slug>/external-requests/<int:pk>/approve/",
        ExternalApproveView.as_view(),
        name="external-request-approve",
    ),
    path(
        "editions/<slug:edition_slug>/external-requests/<int:pk>/decline/",
        ExternalDeclineView.as_view(),
        name="external-request-decline",
    ),
    path(
        "editions/<slug:edition_slug>/external-requests/<int:pk>/withdraw/",
        ExternalWithdrawView.as_view(),
        name="external-request-withdraw",
    ),
    path("external-review-links/<slug:token>/", ExternalLinkView.as_view(), name="external-link"),
    path("external-review-links/<slug:token>/accept/", ExternalLinkAcceptView.as_view(), name="external-link-accept"),
    path(
        "external-review-links/<slug:token>/decline/", ExternalLinkDeclineView.as_view(), name="external-link-decline"
    ),
]
