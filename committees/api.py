"""REST endpoints for an edition's committee, under the same policy as the pages.

Chairs list, grant, re-load and remove roles, and send, list, resend and withdraw invitations
(``can_manage_committee``). Invitees answer by token: accepting needs a signed-in account
(``can_accept_invitation``), declining only the token (``can_decline_invitation``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from committees import selectors, services
from committees.bulk_invitations import BulkInvitationError, invitations_send_bulk, rows_from_items, rows_from_text
from committees.models import Invitation, InvitationStatus
from committees.selectors import committee_of
from conferences.models import AREA_REQUIRED, MAX_LOAD, ROLES_WITH_AREA, Area, Role
from conferences.roles import RoleKind
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.limits import BULK_INVITATIONS_MAX, BULK_INVITATIONS_TEXT_MAX, DECLINE_REASON_MAX, PERSON_NAME_MAX


class RoleSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Role
        fields = ("id", "email", "name", "kind", "area", "max_load", "min_load", "created_at")


class RoleGrantSerializer(serializers.Serializer):
    email = serializers.EmailField()
    kind = serializers.ChoiceField(choices=RoleKind.choices)
    area = serializers.ChoiceField(choices=Area.choices, required=False, allow_blank=True, default="")


def _load_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_LOAD, allow_null=True, required=False, help_text=help_text
    )


class RoleLoadSerializer(serializers.Serializer):
    max_load = _load_field("Most papers this member reviews; null: the edition's default.")
    min_load = _load_field("Fewest papers this member reviews; null: the edition's default.")


class CommitteeChairsViewSet(EditionScopedAPIMixin, viewsets.GenericViewSet):
    """The committee's rows of one edition, by numeric id, for those who manage the committee."""

    lookup_value_regex = r"\d+"  # ids are numbers: anything else is a 404, not a 500
    permission_classes = (policy_permission("can_manage_committee"),)


class RoleViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, CommitteeChairsViewSet):
    """The committee of an edition: PC chairs, PC members by half, area chairs, AE."""

    serializer_class = RoleSerializer

    def get_queryset(self) -> QuerySet[Role]:
        if self.is_schema_generation:
            return Role.objects.none()
        return committee_of(self.policy_subject())

    @extend_schema(request=RoleGrantSerializer, responses={201: RoleSerializer})
    def create(self, request: Request, edition_slug: str) -> Response:
        data = RoleGrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = services.role_grant_by_email(
            edition=self.policy_subject(),
            email=data.validated_data["email"],
            kind=RoleKind(data.validated_data["kind"]),
            area=data.validated_data["area"],
            by=request.user,
        )
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoleLoadSerializer, responses={200: RoleSerializer})
    def partial_update(self, request: Request, edition_slug: str, pk: str) -> Response:
        """Set a member's load; a field left out keeps its value, null means the default."""
        role = get_object_or_404(self.get_queryset(), pk=pk)
        data = RoleLoadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = services.role_update_load(
            role=role,
            max_load=data.validated_data.get("max_load", role.max_load),
            min_load=data.validated_data.get("min_load", role.min_load),
            by=request.user,
        )
        return Response(RoleSerializer(committee_of(role.edition).get(pk=role.pk)).data)

    def destroy(self, request: Request, edition_slug: str, pk: str) -> Response:
        role = get_object_or_404(self.get_queryset(), pk=pk)
        services.role_revoke(role=role, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Invitations, for the chairs ------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    # Declared for the schema: a read-only model field loses its blank choice ("" for no area).
    area = serializers.ChoiceField(choices=Area.choices, allow_blank=True, read_only=True)
    answered_by = serializers.EmailField(
        source="user.email",
        read_only=True,
        allow_null=True,
        help_text="The address of the account that answered; it may differ from the invited one.",
    )

    class Meta:
        model = Invitation
        fields = (
            "id",
            "email",
            "name",
            "kind",
            "area",
            "max_load",
            "status",
            "sent_at",
            "last_reminded_at",
            "reminder_count",
            "answered_at",
            "answered_by",
            "decline_reason",
        )
        read_only_fields = fields


class InvitationSendSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=PERSON_NAME_MAX, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=RoleKind.choices)
    area = serializers.ChoiceField(choices=Area.choices, required=False, allow_blank=True, default="")
    max_load = _load_field("Most papers the invitee reviews; null: the edition's default.")

    def validate(self, attrs: dict) -> dict:
        if attrs["kind"] in ROLES_WITH_AREA and not attrs.get("area"):
            raise serializers.ValidationError({"area": AREA_REQUIRED})
        return attrs


class BulkInviteeSerializer(serializers.Serializer):
    # Checked as a batch by the service, which names the item (from 1) of each problem.
    name = serializers.CharField(max_length=PERSON_NAME_MAX, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=320)
    area = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="Systems or ML (sys, ml)."
    )


class BulkInvitationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RoleKind.choices, default=RoleKind.PC_MEMBER)
    invitees = serializers.ListField(
        child=BulkInviteeSerializer(),
        required=False,
        max_length=BULK_INVITATIONS_MAX,
        help_text=f"The people to invite, at most {BULK_INVITATIONS_MAX}; or give ``text`` instead.",
    )
    text = serializers.CharField(
        required=False,
        max_length=BULK_INVITATIONS_TEXT_MAX,
        help_text="A pasted list instead of ``invitees``: one person a line, “name, e-mail, area”.",
    )

    def validate(self, attrs: dict) -> dict:
        if ("invitees" in attrs) == ("text" in attrs):
            raise serializers.ValidationError("Give either invitees or text.")
        return attrs


class BulkProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line of the text, or the item of the list, from 1.")
    reason = serializers.CharField()


class BulkRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    lines = BulkProblemSerializer(many=True)


class BulkInvitedSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    invitations = InvitationSerializer(many=True)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CommitteeChairsViewSet):
    """Invitations of an edition: unanswered first. Sending again re-opens a declined or
    withdrawn one with a fresh link."""

    serializer_class = InvitationSerializer

    def get_queryset(self) -> QuerySet[Invitation]:
        if self.is_schema_generation:
            return Invitation.objects.none()
        return selectors.invitations_of(self.policy_subject())

    @extend_schema(request=InvitationSendSerializer, responses={201: InvitationSerializer})
    def create(self, request: Request, edition_slug: str) -> Response:
        data = InvitationSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_send(edition=self.policy_subject(), by=request.user, **data.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BulkInvitationSerializer, responses={201: BulkInvitedSerializer, 400: BulkRefusalSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request, edition_slug: str) -> Response:
        """Invite many people as one role at once, or nobody: every wrong item is named."""
        data = BulkInvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "text" in data.validated_data:
            rows, unreadable = rows_from_text(data.validated_data["text"])
        else:
            rows, unreadable = rows_from_items(data.validated_data["invitees"]), []
        try:
            invitations = invitations_send_bulk(
                edition=self.policy_subject(),
                rows=rows,
                kind=data.validated_data["kind"],
                by=request.user,
                unreadable=unreadable,
            )
        except BulkInvitationError as error:
            lines = [{"line": p.line, "reason": p.reason} for p in error.problems]
            detail = f"Nobody was invited: {len(lines)} line(s) to fix first."
            return Response({"detail": detail, "lines": lines}, status=status.HTTP_400_BAD_REQUEST)
        body = {"invited": len(invitations), "invitations": InvitationSerializer(invitations, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, edition_slug: str, pk: str) -> Response:
        """Withdraw an unanswered invitation; its link stops working."""
        invitation = services.invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses={200: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, edition_slug: str, pk: str) -> Response:
        """Mail an unanswered invitation again now (it counts as a reminder)."""
        invitation = services.invitation_resend(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)


# --- Invitations, for the invitee (by token) ------------------------------------------------


class InvitedEditionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class InvitationByTokenSerializer(serializers.ModelSerializer):
    edition = InvitedEditionSerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = ("edition", "email", "name", "kind", "area", "max_load", "status", "sent_at", "answered_at")
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=DECLINE_REASON_MAX, required=False, allow_blank=True, default="")


class _ByToken(APIView):
    def get_invitation(self) -> Invitation:
        """The invitation of the token; unknown and withdrawn ones are not found."""
        invitation = selectors.invitation_by_token(self.kwargs["token"])
        if invitation is None or invitation.status == InvitationStatus.REVOKED:
            raise Http404("No invitation has this token.")
        self.check_object_permissions(self.request, invitation)
        return invitation


class InvitationByTokenView(_ByToken):
    """What an invitation link offers: the edition, the role and its half, and its status."""

    permission_classes = (AllowAny,)

    @extend_schema(responses={200: InvitationByTokenSerializer})
    def get(self, request: Request, token: str) -> Response:
        return Response(InvitationByTokenSerializer(self.get_invitation()).data)


class InvitationAcceptView(_ByToken):
    """Accept as the signed-in account (whatever its address). Accepting again is a no-op."""

    permission_classes = (policy_permission("can_accept_invitation", on_object=True),)

    @extend_schema(request=None, responses={200: InvitationByTokenSerializer})
    def post(self, request: Request, token: str) -> Response:
        invitation = services.invitation_accept(invitation=self.get_invitation(), user=request.user)
        return Response(InvitationByTokenSerializer(invitation).data)


class InvitationDeclineView(_ByToken):
    """Decline with the token alone, with an optional reason for the chairs."""

    permission_classes = (policy_permission("can_decline_invitation", on_object=True),)

    @extend_schema(request=DeclineSerializer, responses={200: InvitationByTokenSerializer})
    def post(self, request: Request, token: str) -> Response:
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        invitation = services.invitation_decline(
            invitation=self.get_invitation(), user=user, reason=data.validated_data["reason"]
        )
        return Response(InvitationByTokenSerializer(invitation).data)


router = SimpleRouter()
router.register(r"editions/(?P<edition_slug>[-\w]+)/roles", RoleViewSet, basename="role")
router.register(r"editions/(?P<edition_slug>[-\w]+)/invitations", InvitationViewSet, basename="invitation")
urlpatterns = [
    *router.urls,
    path("invitations/<slug:token>/", InvitationByTokenView.as_view(), name="invitation-by-token"),
    path("invitations/<slug:token>/accept/", InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<slug:token>/decline/", InvitationDeclineView.as_view(), name="invitation-decline"),
]
