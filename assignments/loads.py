"""Each PC member's effective load bounds: the explicit ones, or the edition's defaults with the
even share of the area's demand as the lower bound, so that close affinities cannot pile papers
on a few members while others get almost none."""

from __future__ import annotations

from conferences.models import Area, Edition


def area_demand(edition: Edition, area: str, papers: int) -> int:
    """How many reviews an area owes for ``papers`` papers."""
    per_paper = edition.systems_reviewers_per_paper if area == Area.SYSTEMS else edition.ml_reviewers_per_paper
    return per_paper * papers


def even_share(edition: Edition, area: str, *, papers: int, members: int) -> int:
    """The area's demand divided by its size, rounded down (0 for an empty area)."""
    return area_demand(edition, area, papers) // members if members else 0


def effective_max_load(edition: Edition, explicit: int | None) -> int:
    return explicit if explicit is not None else edition.default_max_load


def effective_min_load(
    edition: Edition, *, explicit: int | None, explicit_max: int | None, share: int, available: int
) -> int:
    """An explicit minimum wins; otherwise the larger of the edition's default and the even
    ``share``, never above the member's maximum or the ``available`` papers they may review."""
    if explicit is not None:
        return explicit
    ceiling = min(effective_max_load(edition, explicit_max), available)
    return min(max(edition.default_min_load, share), ceiling)
