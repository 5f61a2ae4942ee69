"""AE members' bids on artifacts: a service to bid (or withdraw a bid) and the bidding list.

The bids are :class:`artifacts.models.ArtifactBid` rows, with the PC's levels but apart from the
PC's bids (``bidding.models.Bid``), so one person on both committees never mixes the two. The
evaluator assignment (:mod:`artifacts.assignment`) reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from actionlog.services import record_paper_action
from artifacts import policy
from artifacts.assignment import gpus_needed
from artifacts.models import Artifact, ArtifactBid
from artifacts.selectors import artifacts_of
from bidding.models import BidLevel
from conferences.models import Edition
from mlsys_conf.policy import require


@dataclass(frozen=True)
class BiddingRow:
    artifact: Artifact
    level: int | None  # None: no bid
    gpus_needed: int


@transaction.atomic
def artifact_bid_set(*, artifact: Artifact, level: int | None, by: Any) -> ArtifactBid | None:
    """Bid on an artifact (``level`` a :class:`BidLevel`), or withdraw the bid (``None``)."""
    require(policy.can_bid_on_artifact(by, artifact))
    if level is not None:
        level = BidLevel(level).value  # a ValueError for a level that is none
    current = ArtifactBid.objects.select_for_update().filter(artifact=artifact, user=by).first()
    before = current.level if current else None
    if level == before:
        return current
    if level is None:
        assert current is not None
        current.delete()
        bid = None
    elif current is None:
        bid = ArtifactBid.objects.create(artifact=artifact, user=by, level=level)
    else:
        current.level = level
        current.save(update_fields=["level", "updated_at"])
        bid = current
    record_paper_action(artifact.submission, actor=by, action="artifact_bid.set", changes={"level": (before, level)})
    return bid


def bidding_rows_for(user: Any, edition: Edition) -> list[BiddingRow]:
    """The artifacts ``user`` may bid on, with their bid and the GPUs each needs (two queries)."""
    bids = dict(
        ArtifactBid.objects.filter(artifact__submission__edition=edition, user=user).values_list("artifact_id", "level")
    )
    return [
        BiddingRow(artifact, bids.get(artifact.pk), gpus_needed(artifact.hardware_needed))
        for artifact in artifacts_of(edition)
        if policy.can_bid_on_artifact(user, artifact)
    ]
