"""REST endpoints for bidding, under the same policy as the pages.

PC members list the papers they may bid on (with their affinity and bid), bid, declare a
conflict and take a bid back; chairs read the bid statistics and start the affinity job.
Double-blind: nothing here names a paper's authors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bidding import selectors, services
from bidding.models import BidLevel
from conferences.models import Area, Topic
from conferences.roles import RoleKind
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission
from mlsys_conf.limits import FILTER_MAX_CHARS, SEARCH_MAX_WORDS, search_serializer_field
from submissions.api import DeclarableReasonField
from submissions.models import ConflictReason, Submission
from submissions.selectors import conflicted_paper_ids

LEVEL_HELP = "Your bid: 2 very high, 1 high, 0 neutral, -1 low, -2 very low; null: no bid."


# --- Serializers -------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "enum": sorted(BidLevel.values)},
            {"type": "string", "enum": [services.CONFLICT]},
        ]
    }
)
class BidLevelField(serializers.Field):
    """A level from -2 to 2, or "conflict" to declare a conflict of interest."""

    default_error_messages = {
        "invalid": 'A bid is an integer from -2 (very low) to 2 (very high), or "conflict".',
    }

    def to_internal_value(self, data: Any) -> int | str:
        if data == services.CONFLICT:
            return services.CONFLICT
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str) and data.strip().lstrip("-").isdigit():
            data = int(data)
        if not isinstance(data, int) or data not in BidLevel.values:
            self.fail("invalid")
        return int(data)

    def to_representation(self, value: Any) -> Any:
        return value


class BidInputSerializer(serializers.Serializer):
    level = BidLevelField(help_text='-2..2, or "conflict" to declare a conflict of interest with the paper.')
    reason = DeclarableReasonField(
        required=False,
        default=ConflictReason.OTHER,
        help_text='With "conflict": why (default: other).',
    )


class BidSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    level = serializers.IntegerField(allow_null=True, min_value=-2, max_value=2, help_text=LEVEL_HELP)
    conflict = serializers.BooleanField(help_text="True once a conflict is declared: the paper leaves your list.")


class BidPaperSerializer(serializers.ModelSerializer):
    keywords = serializers.ListField(child=serializers.CharField(), source="keyword_list", read_only=True)
    affinity = serializers.FloatField(
        allow_null=True, read_only=True, help_text="How well the paper matches your profile (0-1); null: not computed."
    )
    bid = serializers.IntegerField(
        source="bid_level", allow_null=True, read_only=True, min_value=-2, max_value=2, help_text=LEVEL_HELP
    )

    class Meta:
        model = Submission
        fields = ("number", "title", "abstract", "topic", "keywords", "affinity", "bid")


class BidFilterSerializer(serializers.Serializer):
    q = search_serializer_field(help_text=f"Words in the title, abstract or keywords (at most {SEARCH_MAX_WORDS}).")
    area = serializers.ChoiceField(choices=Area.choices, required=False, help_text="Papers for this half of the PC.")
    keyword = serializers.CharField(required=False, allow_blank=True, max_length=FILTER_MAX_CHARS)
    status = serializers.ChoiceField(choices=[("unbid", "Not bid on"), ("bid", "Bid on")], required=False)
    sort = serializers.ChoiceField(choices=[(s, s) for s in selectors.SORTS], required=False, default="affinity")


class LevelCountsSerializer(serializers.Serializer):
    very_high = serializers.IntegerField()
    high = serializers.IntegerField()
    neutral = serializers.IntegerField()
    low = serializers.IntegerField()
    very_low = serializers.IntegerField()


def _level_counts(by_level: tuple[int, ...]) -> dict[str, int]:
    return {level.name.lower(): n for level, n in zip(selectors.LEVELS, by_level, strict=True)}


class MemberBidsSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.display_name")
    kind = serializers.ChoiceField(source="role.kind", choices=RoleKind.choices)
    area = serializers.ChoiceField(source="role.area", choices=Area.choices)
    bids = serializers.SerializerMethodField()
    total = serializers.IntegerField()
    conflicts = serializers.IntegerField()
    has_profile = serializers.BooleanField(help_text="False: no keywords or publications, so every affinity is 0.")
    wanted = serializers.IntegerField(help_text="Bids wanted: twice the expected load, at most the papers available.")
    few = serializers.BooleanField(help_text="Fewer bids than wanted.")

    @extend_schema_field(LevelCountsSerializer)
    def get_bids(self, member: selectors.MemberBids) -> dict[str, int]:
        return _level_counts(member.by_level)


class PaperBidsSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="submission.number")
    title = serializers.CharField(source="submission.title")
    topic = serializers.ChoiceField(source="submission.topic", choices=Topic.choices)
    bids = serializers.SerializerMethodField()
    total = serializers.IntegerField()
    positive_systems = serializers.SerializerMethodField()
    positive_ml = serializers.SerializerMethodField()
    conflicts = serializers.IntegerField()
    few_positive = serializers.BooleanField(help_text="Fewer positive bids from a half than reviewers it gives.")

    @extend_schema_field(LevelCountsSerializer)
    def get_bids(self, paper: selectors.PaperBids) -> dict[str, int]:
        return _level_counts(paper.by_level)

    def get_positive_systems(self, paper: selectors.PaperBids) -> int:
        return paper.positive_by_area.get(Area.SYSTEMS, 0)

    def get_positive_ml(self, paper: selectors.PaperBids) -> int:
        return paper.positive_by_area.get(Area.ML, 0)


class BidStatsSerializer(serializers.Serializer):
    members = MemberBidsSerializer(many=True)
    papers = PaperBidsSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Views -------------------------------------------------------------------------------------


class BidListAPI(EditionScopedAPIMixin, generics.ListAPIView):
    """The papers you may bid on (not withdrawn, not conflicted), best match first."""

    serializer_class = BidPaperSerializer
    permission_classes = (IsAuthenticated, policy_permission("can_view_bidding_page"))

    def get_queryset(self) -> QuerySet[Submission]:
        if self.is_schema_generation:
            return Submission.objects.none()
        filters = BidFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        options = {k: v for k, v in filters.validated_data.items() if v}
        return selectors.papers_for_bidding(self.request.user, self.policy_subject(), **options)

    @extend_schema(tags=["bidding"], parameters=[BidFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class BidDetailAPI(EditionScopedAPIMixin, APIView):
    """Your bid on one paper: PUT a level (or "conflict"), DELETE to take it back. Only while
    bidding is open (403 with the reason otherwise)."""

    permission_classes = (IsAuthenticated, policy_permission("can_view_bidding_page"))

    def _paper(self, number: int) -> Submission:
        """A paper of the member's bidding list; any other (withdrawn, conflicted, missing) is
        not found, the same for all (see mlsys_conf.policy)."""
        paper = selectors.paper_for_bidding(self.request.user, self.policy_subject(), number)
        if paper is None:
            raise Http404("No such paper in your bidding list.")
        return paper

    @extend_schema(tags=["bidding"], responses=BidPaperSerializer)
    def get(self, request: Request, edition_slug: str, number: int) -> Response:
        return Response(BidPaperSerializer(self._paper(number)).data)

    @extend_schema(tags=["bidding"], request=BidInputSerializer, responses=BidSerializer)
    def put(self, request: Request, edition_slug: str, number: int) -> Response:
        submission = self._paper(number)
        data = BidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_set(
            submission=submission,
            user=request.user,
            level=data.validated_data["level"],
            reason=data.validated_data["reason"],
        )
        out = {"number": submission.number, "level": bid.level if bid else None, "conflict": bid is None}
        return Response(BidSerializer(out).data)

    @extend_schema(tags=["bidding"], request=None, responses={204: None})
    def delete(self, request: Request, edition_slug: str, number: int) -> Response:
        services.bid_clear(submission=self._paper(number), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BidStatsAPI(EditionScopedAPIMixin, APIView):
    """Chairs: bids per PC member and per paper."""

    permission_classes = (IsAuthenticated, policy_permission("can_see_bid_stats"))

    @extend_schema(tags=["bidding"], responses=BidStatsSerializer)
    def get(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        hidden = conflicted_paper_ids(request.user, edition)  # a chair never sees bids on their conflicts
        stats = {
            "members": selectors.bid_counts_per_member(edition, without_papers=hidden),
            "papers": selectors.bid_counts_per_paper(edition, without_papers=hidden),
        }
        return Response(BidStatsSerializer(stats).data)


class AffinityComputeAPI(EditionScopedAPIMixin, APIView):
    """Chairs: (re)compute the affinity of every (paper, PC member) pair, as a background job."""

    permission_classes = (IsAuthenticated, policy_permission("can_compute_affinities"))

    @extend_schema(tags=["bidding"], request=None, responses={202: DetailSerializer})
    def post(self, request: Request, edition_slug: str) -> Response:
        services.affinity_compute_request(edition=self.policy_subject(), by=request.user)
        return Response({"detail": "Affinity computation queued."}, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("editions/<slug:edition_slug>/bids/", BidListAPI.as_view(), name="bidding-bids"),
    path("editions/<slug:edition_slug>/bids/<int:number>/", BidDetailAPI.as_view(), name="bidding-bid"),
    path("editions/<slug:edition_slug>/bid-stats/", BidStatsAPI.as_view(), name="bidding-stats"),
    path(
        "editions/<slug:edition_slug>/affinity/compute/",
        AffinityComputeAPI.as_view(),
        name="bidding-affinity-compute",
    ),
]
