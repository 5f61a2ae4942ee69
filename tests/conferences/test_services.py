"""Editions and deadlines change only through services: all or nothing, fully validated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conferences import services
from conferences.models import Deadline, Edition, Phase
from conferences.selectors import edition_timeline
from conferences.services import PhaseWindowInput, deadlines_set, edition_create, edition_update
from tests.factories.conferences import DeadlineFactory, EditionFactory

pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def stored(edition: Edition) -> dict[str, tuple[datetime | None, datetime]]:
    return {d.phase: (d.opens_at, d.closes_at) for d in Deadline.objects.filter(edition=edition)}


# --- deadlines_set -------------------------------------------------------------------------


def test_deadlines_set_creates(admin_user: Any) -> None:
    edition = EditionFactory()
    result = deadlines_set(
        edition=edition,
        windows={
            Phase.ABSTRACT_REGISTRATION: PhaseWindowInput(None, utc(2027, 1, 10, 11, 59, 59)),
            Phase.BIDDING: PhaseWindowInput(utc(2027, 1, 20), utc(2027, 1, 31)),
        },
        by=admin_user,
    )
    assert stored(edition) == {
        "abstract": (None, utc(2027, 1, 10, 11, 59, 59)),
        "bidding": (utc(2027, 1, 20), utc(2027, 1, 31)),
    }
    assert [d.phase for d in result] == ["abstract", "bidding"]


def test_deadlines_set_moves_and_leaves_other_phases_alone(admin_user: Any) -> None:
    edition = EditionFactory()
    DeadlineFactory(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=utc(2027, 1, 10))
    DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=utc(2027, 1, 17))
    deadlines_set(
        edition=edition,
        windows={Phase.ABSTRACT_REGISTRATION: PhaseWindowInput(utc(2027, 1, 1), utc(2027, 1, 12))},
        by=admin_user,
    )
    assert stored(edition) == {
        "abstract": (utc(2027, 1, 1), utc(2027, 1, 12)),
        "paper": (None, utc(2027, 1, 17)),
    }
    assert Deadline.objects.filter(edition=edition).count() == 2


def test_deadlines_set_clears_with_none(admin_user: Any) -> None:
    edition = EditionFactory()
    DeadlineFactory(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=utc(2027, 1, 10))
    DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=utc(2027, 1, 17))
    result = deadlines_set(edition=edition, windows={Phase.ABSTRACT_REGISTRATION: None}, by=admin_user)
    assert set(stored(edition)) == {"paper"}
    assert [d.phase for d in result] == ["paper"]


def test_deadlines_set_clearing_a_missing_phase_is_harmless(admin_user: Any) -> None:
    edition = EditionFactory()
    assert deadlines_set(edition=edition, windows={Phase.CAMERA_READY: None}, by=admin_user) == []


@pytest.mark.parametrize("opens_offset", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_deadlines_set_rejects_opening_at_or_after_closing_and_writes_nothing(
    admin_user: Any, opens_offset: Any
) -> None:
    edition = EditionFactory()
    DeadlineFactory(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=utc(2027, 1, 10))
    before = stored(edition)
    closes = utc(2027, 1, 31)
    with pytest.raises(ValidationError) as caught:
        deadlines_set(
            edition=edition,
            windows={
                # Good rows around the bad one: none of them may be written.
                Phase.ABSTRACT_REGISTRATION: PhaseWindowInput(None, utc(2027, 1, 12)),
                Phase.PAPER_SUBMISSION: PhaseWindowInput(None, utc(2027, 1, 17)),
                Phase.BIDDING: PhaseWindowInput(closes + opens_offset, closes),
                Phase.REVIEWING: None,
            },
            by=admin_user,
        )
    assert caught.value.messages == ["Bidding must open before it closes."]
    assert stored(edition) == before


def test_deadlines_set_reports_every_bad_row(admin_user: Any) -> None:
    edition = EditionFactory()
    with pytest.raises(ValidationError) as caught:
        deadlines_set(
            edition=edition,
            windows={
                Phase.BIDDING: PhaseWindowInput(utc(2027, 2, 1), utc(2027, 1, 1)),
                Phase.REVIEWING: PhaseWindowInput(utc(2027, 3, 1), utc(2027, 3, 1)),
            },
            by=admin_user,
        )
    assert len(caught.value.messages) == 2
    assert not Deadline.objects.filter(edition=edition).exists()


def test_deadlines_set_refreshes_an_edition_loaded_with_its_deadlines(admin_user: Any) -> None:
    """Views and the API load editions with their deadlines prefetched; after a change the
    same object must answer with the new deadlines, not the prefetched ones."""
    EditionFactory(slug="prefetched")
    edition = Edition.objects.prefetch_related("deadlines").get(slug="prefetched")
    assert edition_timeline(edition).window(Phase.PAPER_SUBMISSION) is None

    result = deadlines_set(
        edition=edition,
        windows={Phase.PAPER_SUBMISSION: PhaseWindowInput(None, utc(2027, 1, 17))},
        by=admin_user,
    )
    assert [(d.phase, d.closes_at) for d in result] == [("paper", utc(2027, 1, 17))]
    window = edition_timeline(edition).window(Phase.PAPER_SUBMISSION)
    assert window is not None
    assert window.closes_at == utc(2027, 1, 17)


def test_deadlines_set_forgets_the_cached_timeline(admin_user: Any) -> None:
    edition = EditionFactory()
    DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=utc(2027, 1, 17))
    assert edition_timeline(edition).is_open(Phase.PAPER_SUBMISSION, utc(2027, 1, 17))
    deadlines_set(
        edition=edition,
        windows={Phase.PAPER_SUBMISSION: PhaseWindowInput(None, utc(2027, 1, 16))},
        by=admin_user,
    )
    assert not edition_timeline(edition).is_open(Phase.PAPER_SUBMISSION, utc(2027, 1, 17))


# --- edition_create / edition_update ------------------------------------------------------------


def test_edition_create_validates_and_saves() -> None:
    edition = edition_create(slug="mlsys2031", name="MLSys 2031", time_zone="Europe/Berlin")
    assert Edition.objects.get(slug="mlsys2031").time_zone == "Europe/Berlin"
    assert edition.pk is not None


@pytest.mark.parametrize("slug", ["admin", "api", "accounts", "static", "media", "me", "profile", "health", "editions"])
def test_reserved_slug_rejected(slug: str) -> None:
    with pytest.raises(ValidationError) as caught:
        edition_create(slug=slug, name="Clash")
    assert "slug" in caught.value.message_dict
    assert "reserved" in caught.value.message_dict["slug"][0]
    assert not Edition.objects.filter(slug=slug).exists()


def test_edition_create_rejects_end_before_start() -> None:
    with pytest.raises(ValidationError) as caught:
        edition_create(
            slug="mlsys2032",
            name="MLSys 2032",
            starts_on=datetime(2032, 3, 5).date(),
            ends_on=datetime(2032, 3, 1).date(),
        )
    assert "ends_on" in caught.value.message_dict


def test_edition_update_saves_known_fields(chair: Any, edition: Edition) -> None:
    edition_update(edition=edition, by=chair, venue="San Jose", page_limit=12, time_zone="Europe/Berlin")
    edition.refresh_from_db()
    assert (edition.venue, edition.page_limit, edition.time_zone) == ("San Jose", 12, "Europe/Berlin")


def test_edition_update_unknown_field_is_a_value_error(chair: Any, edition: Edition) -> None:
    with pytest.raises(ValueError, match="Not edition settings: slug"):
        edition_update(edition=edition, by=chair, slug="renamed", venue="Elsewhere")
    edition.refresh_from_db()
    assert edition.slug == "mlsys2027"
    assert edition.venue == ""


def test_edition_update_invalid_time_zone(chair: Any, edition: Edition) -> None:
    with pytest.raises(ValidationError) as caught:
        edition_update(edition=edition, by=chair, time_zone="Mars/Olympus_Mons")
    assert "time_zone" in caught.value.message_dict
    assert Edition.objects.get(pk=edition.pk).time_zone == "America/Los_Angeles"


def test_edition_update_out_of_range_value(chair: Any, edition: Edition) -> None:
    with pytest.raises(ValidationError) as caught:
        edition_update(edition=edition, by=chair, page_limit=0)
    assert "page_limit" in caught.value.message_dict
    assert Edition.objects.get(pk=edition.pk).page_limit == 10


def test_edition_fields_are_all_real_fields() -> None:
    names = {f.name for f in Edition._meta.get_fields()}
    assert names >= set(services.EDITION_FIELDS)
    assert "slug" not in services.EDITION_FIELDS
