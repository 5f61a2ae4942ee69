"""Phase windows at their edges: the second before, at and after a deadline, implicit
openings, AoE and daylight-saving zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conferences.models import Deadline, Phase
from conferences.phases import AOE, Timeline, Window, WindowState, in_aoe
from conferences.selectors import edition_timeline
from conferences.services import DeadlinePassed, format_moment, require_phase_open
from conferences.templatetags.deadlines import aoe, local
from tests.factories.conferences import DeadlineFactory, EditionFactory

SECOND = timedelta(seconds=1)
LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def deadline(phase: Phase, closes_at: datetime, opens_at: datetime | None = None) -> Deadline:
    """An unsaved deadline: Timeline only reads phase, opens_at and closes_at."""
    return Deadline(phase=phase, opens_at=opens_at, closes_at=closes_at)


# A typical cycle, all deadlines at 23:59:59 AoE (11:59:59 UTC the next day).
ABSTRACT = utc(2027, 1, 10, 11, 59, 59)
PAPER = utc(2027, 1, 17, 11, 59, 59)
SUPPLEMENTARY = utc(2027, 1, 24, 11, 59, 59)
BIDDING = utc(2027, 1, 31, 11, 59, 59)
REVIEWING = utc(2027, 3, 1, 11, 59, 59)


@pytest.fixture
def timeline() -> Timeline:
    return Timeline.from_deadlines(
        [
            deadline(Phase.REVIEWING, REVIEWING),
            deadline(Phase.BIDDING, BIDDING),
            deadline(Phase.SUPPLEMENTARY_MATERIAL, SUPPLEMENTARY),
            deadline(Phase.PAPER_SUBMISSION, PAPER),
            deadline(Phase.ABSTRACT_REGISTRATION, ABSTRACT),
        ]
    )


# --- Window edges --------------------------------------------------------------------------


class TestWindowEdges:
    window = Window(Phase.PAPER_SUBMISSION, opens_at=utc(2027, 1, 1), closes_at=PAPER)

    def test_open_one_second_before_the_deadline(self) -> None:
        assert self.window.state(PAPER - SECOND) is WindowState.OPEN
        assert self.window.is_open(PAPER - SECOND)

    def test_open_at_the_deadline_second(self) -> None:
        assert self.window.state(PAPER) is WindowState.OPEN
        assert self.window.is_open(PAPER)

    def test_closed_one_second_after_the_deadline(self) -> None:
        assert self.window.state(PAPER + SECOND) is WindowState.CLOSED
        assert not self.window.is_open(PAPER + SECOND)

    def test_upcoming_one_second_before_opening(self) -> None:
        assert self.window.state(utc(2027, 1, 1) - SECOND) is WindowState.UPCOMING
        assert not self.window.is_open(utc(2027, 1, 1) - SECOND)

    def test_open_at_the_opening_second(self) -> None:
        assert self.window.state(utc(2027, 1, 1)) is WindowState.OPEN

    def test_without_opening_open_from_the_start(self) -> None:
        window = Window(Phase.ABSTRACT_REGISTRATION, opens_at=None, closes_at=ABSTRACT)
        assert window.state(utc(1990, 1, 1)) is WindowState.OPEN
        assert window.state(ABSTRACT + SECOND) is WindowState.CLOSED

    def test_label_is_the_phase_label(self) -> None:
        assert self.window.label == "Paper submission"


# --- Implicit and explicit openings --------------------------------------------------------


def test_submission_phases_open_from_the_start(timeline: Timeline) -> None:
    for phase in (
        Phase.ABSTRACT_REGISTRATION,
        Phase.PAPER_SUBMISSION,
        Phase.SUPPLEMENTARY_MATERIAL,
    ):
        window = timeline.window(phase)
        assert window is not None
        assert window.opens_at is None
        assert timeline.is_open(phase, utc(2000, 1, 1))


def test_bidding_opens_when_paper_submission_closes(timeline: Timeline) -> None:
    bidding = timeline.window(Phase.BIDDING)
    assert bidding is not None
    assert bidding.opens_at == PAPER
    assert not timeline.is_open(Phase.BIDDING, PAPER - SECOND)
    assert timeline.is_open(Phase.BIDDING, PAPER)
    assert timeline.is_open(Phase.BIDDING, PAPER + SECOND)


def test_reviewing_opens_when_bidding_closes(timeline: Timeline) -> None:
    reviewing = timeline.window(Phase.REVIEWING)
    assert reviewing is not None
    assert reviewing.opens_at == BIDDING
    assert timeline.is_open(Phase.REVIEWING, BIDDING + SECOND)
    assert not timeline.is_open(Phase.REVIEWING, BIDDING - SECOND)


def test_implicit_opening_skips_phases_without_a_deadline() -> None:
    """Notification follows discussion, response and reviewing; with only reviewing set,
    it opens when reviewing closes."""
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.REVIEWING, REVIEWING),
            deadline(Phase.NOTIFICATION, utc(2027, 4, 1)),
        ]
    )
    notification = timeline.window(Phase.NOTIFICATION)
    assert notification is not None
    assert notification.opens_at == REVIEWING


def test_implicit_opening_without_any_earlier_deadline_is_open_from_the_start() -> None:
    timeline = Timeline.from_deadlines([deadline(Phase.BIDDING, BIDDING)])
    bidding = timeline.window(Phase.BIDDING)
    assert bidding is not None
    assert bidding.opens_at is None
    assert timeline.is_open(Phase.BIDDING, utc(2000, 1, 1))


def test_explicit_opening_wins_over_the_implicit_one() -> None:
    opens = utc(2027, 1, 20, 16, 0, 0)
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.PAPER_SUBMISSION, PAPER),
            deadline(Phase.BIDDING, BIDDING, opens_at=opens),
        ]
    )
    bidding = timeline.window(Phase.BIDDING)
    assert bidding is not None
    assert bidding.opens_at == opens
    assert not timeline.is_open(Phase.BIDDING, PAPER + SECOND)
    assert not timeline.is_open(Phase.BIDDING, opens - SECOND)
    assert timeline.is_open(Phase.BIDDING, opens)


def test_explicit_opening_of_a_submission_phase() -> None:
    opens = utc(2027, 1, 1)
    timeline = Timeline.from_deadlines([deadline(Phase.ABSTRACT_REGISTRATION, ABSTRACT, opens_at=opens)])
    assert not timeline.is_open(Phase.ABSTRACT_REGISTRATION, opens - SECOND)
    assert timeline.is_open(Phase.ABSTRACT_REGISTRATION, opens)


def test_a_phase_without_deadline_is_never_open(timeline: Timeline) -> None:
    assert timeline.window(Phase.CAMERA_READY) is None
    assert not timeline.is_open(Phase.CAMERA_READY, ABSTRACT)


def test_windows_are_ordered_by_closing_time(timeline: Timeline) -> None:
    assert [w.phase for w in timeline.windows] == [
        Phase.ABSTRACT_REGISTRATION,
        Phase.PAPER_SUBMISSION,
        Phase.SUPPLEMENTARY_MATERIAL,
        Phase.BIDDING,
        Phase.REVIEWING,
    ]


def test_equal_closing_times_are_ordered_by_lifecycle() -> None:
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.SUPPLEMENTARY_MATERIAL, PAPER),
            deadline(Phase.PAPER_SUBMISSION, PAPER),
            deadline(Phase.ABSTRACT_REGISTRATION, PAPER),
        ]
    )
    assert [w.phase for w in timeline.windows] == [
        Phase.ABSTRACT_REGISTRATION,
        Phase.PAPER_SUBMISSION,
        Phase.SUPPLEMENTARY_MATERIAL,
    ]


# --- open_phases, current, next_deadline, status --------------------------------------------


def test_open_phases_side_by_side(timeline: Timeline) -> None:
    assert timeline.open_phases(ABSTRACT) == [
        Phase.ABSTRACT_REGISTRATION,
        Phase.PAPER_SUBMISSION,
        Phase.SUPPLEMENTARY_MATERIAL,
    ]
    assert timeline.open_phases(ABSTRACT + SECOND) == [
        Phase.PAPER_SUBMISSION,
        Phase.SUPPLEMENTARY_MATERIAL,
    ]


def test_current_is_the_open_phase_that_closes_first(timeline: Timeline) -> None:
    assert timeline.current(ABSTRACT - SECOND).phase is Phase.ABSTRACT_REGISTRATION
    assert timeline.current(ABSTRACT).phase is Phase.ABSTRACT_REGISTRATION
    assert timeline.current(ABSTRACT + SECOND).phase is Phase.PAPER_SUBMISSION
    # At the paper deadline second both paper submission and bidding are open.
    assert timeline.current(PAPER).phase is Phase.PAPER_SUBMISSION
    assert timeline.current(PAPER + SECOND).phase is Phase.SUPPLEMENTARY_MATERIAL
    assert timeline.current(SUPPLEMENTARY + SECOND).phase is Phase.BIDDING
    assert timeline.current(REVIEWING).phase is Phase.REVIEWING


def test_current_is_none_after_the_last_deadline(timeline: Timeline) -> None:
    assert timeline.current(REVIEWING + SECOND) is None


def test_current_skips_an_upcoming_phase_that_closes_earlier() -> None:
    """An explicitly late opening keeps a phase out of ``current`` even if it closes first."""
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.ABSTRACT_REGISTRATION, ABSTRACT, opens_at=ABSTRACT - timedelta(days=1)),
            deadline(Phase.PAPER_SUBMISSION, PAPER),
        ]
    )
    now = ABSTRACT - timedelta(days=2)
    assert timeline.current(now).phase is Phase.PAPER_SUBMISSION


def test_next_deadline_at_the_edges(timeline: Timeline) -> None:
    assert timeline.next_deadline(ABSTRACT - SECOND).phase is Phase.ABSTRACT_REGISTRATION
    assert timeline.next_deadline(ABSTRACT).phase is Phase.ABSTRACT_REGISTRATION
    assert timeline.next_deadline(ABSTRACT + SECOND).phase is Phase.PAPER_SUBMISSION
    assert timeline.next_deadline(REVIEWING).phase is Phase.REVIEWING
    assert timeline.next_deadline(REVIEWING + SECOND) is None


def test_status_names_the_current_phase(timeline: Timeline) -> None:
    assert timeline.status(ABSTRACT) == "Abstract registration"
    assert timeline.status(ABSTRACT + SECOND) == "Paper submission"


def test_status_concluded_after_every_deadline(timeline: Timeline) -> None:
    assert timeline.status(REVIEWING) == "Reviewing"
    assert timeline.status(REVIEWING + SECOND) == "Concluded"


def test_status_without_deadlines() -> None:
    assert Timeline.from_deadlines([]).status(ABSTRACT) == "No deadlines set yet"
    assert Timeline.from_deadlines([]).current(ABSTRACT) is None
    assert Timeline.from_deadlines([]).next_deadline(ABSTRACT) is None


def test_status_before_the_first_opening() -> None:
    opens = utc(2027, 1, 1)
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.ABSTRACT_REGISTRATION, ABSTRACT, opens_at=opens),
            deadline(Phase.PAPER_SUBMISSION, PAPER, opens_at=opens + timedelta(days=1)),
        ]
    )
    assert timeline.status(opens - SECOND) == "Before abstract registration"
    assert timeline.status(opens) == "Abstract registration"


def test_status_between_phases_names_the_next_opening_not_a_past_one() -> None:
    """A gap after explicitly opened phases have closed: the status is about the next phase
    to open, not about a phase that opened (and closed) long ago."""
    bidding_opens = PAPER + timedelta(days=3)
    timeline = Timeline.from_deadlines(
        [
            deadline(Phase.ABSTRACT_REGISTRATION, ABSTRACT, opens_at=utc(2027, 1, 1)),
            deadline(Phase.PAPER_SUBMISSION, PAPER),
            deadline(Phase.BIDDING, BIDDING, opens_at=bidding_opens),
        ]
    )
    now = PAPER + timedelta(days=1)
    assert timeline.current(now) is None
    assert timeline.status(now) == "Before bidding"
    assert timeline.next_deadline(now).phase is Phase.BIDDING


# --- AoE -------------------------------------------------------------------------------------


def test_aoe_is_utc_minus_twelve_without_daylight_saving() -> None:
    assert AOE.utcoffset(None) == timedelta(hours=-12)
    assert in_aoe(utc(2027, 7, 1, 12)).utcoffset() == timedelta(hours=-12)
    assert in_aoe(utc(2027, 1, 1, 12)).utcoffset() == timedelta(hours=-12)


def test_end_of_day_aoe_is_noon_utc_the_next_day() -> None:
    end_of_day_aoe = datetime(2027, 1, 16, 23, 59, 59, tzinfo=AOE)
    assert end_of_day_aoe == utc(2027, 1, 17, 11, 59, 59)
    assert end_of_day_aoe.astimezone(UTC) == PAPER
    assert in_aoe(PAPER).replace(tzinfo=None) == datetime(2027, 1, 16, 23, 59, 59)


def test_a_deadline_set_in_aoe_is_open_until_its_last_aoe_second() -> None:
    closes = datetime(2027, 1, 16, 23, 59, 59, tzinfo=AOE)
    timeline = Timeline.from_deadlines([deadline(Phase.PAPER_SUBMISSION, closes)])
    assert timeline.is_open(Phase.PAPER_SUBMISSION, utc(2027, 1, 17, 11, 59, 59))
    assert not timeline.is_open(Phase.PAPER_SUBMISSION, utc(2027, 1, 17, 12, 0, 0))


def test_aoe_template_filter() -> None:
    assert aoe(PAPER) == "Sat 16 Jan 2027, 23:59:59 AoE"
    assert aoe(None) == ""


# --- Daylight-saving zones -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "local_wall", "expected_utc", "abbreviation", "offset_hours"),
    [
        # Los Angeles switches on Sunday 14 March and Sunday 7 November 2027.
        (LA, datetime(2027, 3, 13, 23, 59, 59), utc(2027, 3, 14, 7, 59, 59), "PST", -8),
        (LA, datetime(2027, 3, 15, 23, 59, 59), utc(2027, 3, 16, 6, 59, 59), "PDT", -7),
        (LA, datetime(2027, 11, 6, 23, 59, 59), utc(2027, 11, 7, 6, 59, 59), "PDT", -7),
        (LA, datetime(2027, 11, 8, 23, 59, 59), utc(2027, 11, 9, 7, 59, 59), "PST", -8),
        # Berlin switches on Sunday 28 March and Sunday 31 October 2027.
        (BERLIN, datetime(2027, 3, 27, 23, 59, 59), utc(2027, 3, 27, 22, 59, 59), "CET", 1),
        (BERLIN, datetime(2027, 3, 29, 23, 59, 59), utc(2027, 3, 29, 21, 59, 59), "CEST", 2),
        (BERLIN, datetime(2027, 10, 30, 23, 59, 59), utc(2027, 10, 30, 21, 59, 59), "CEST", 2),
        (BERLIN, datetime(2027, 11, 1, 23, 59, 59), utc(2027, 11, 1, 22, 59, 59), "CET", 1),
    ],
)
def test_deadlines_across_daylight_saving_switches(
    db: Any,
    zone: ZoneInfo,
    local_wall: datetime,
    expected_utc: datetime,
    abbreviation: str,
    offset_hours: int,
) -> None:
    edition = EditionFactory(time_zone=str(zone))
    closes_at = local_wall.replace(tzinfo=zone)
    stored = DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=closes_at)
    stored.refresh_from_db()

    assert stored.closes_at == expected_utc
    assert stored.closes_at.utcoffset() == timedelta(0)
    shown = stored.closes_local()
    assert shown.replace(tzinfo=None) == local_wall
    assert shown.tzname() == abbreviation
    assert shown.utcoffset() == timedelta(hours=offset_hours)
    assert f"{local_wall:%a %d %b %Y, %H:%M:%S} {abbreviation}" in format_moment(stored.closes_at, edition)
    with timezone.override(zone):
        assert local(stored.closes_at) == f"{local_wall:%a %d %b %Y, %H:%M:%S} {abbreviation}"

    timeline = edition_timeline(edition)
    assert timeline.is_open(Phase.PAPER_SUBMISSION, expected_utc)
    assert not timeline.is_open(Phase.PAPER_SUBMISSION, expected_utc + SECOND)


def test_same_wall_time_on_both_sides_of_the_switch_is_an_hour_apart_in_utc() -> None:
    before = datetime(2027, 3, 13, 23, 59, 59, tzinfo=LA)
    after = datetime(2027, 3, 15, 23, 59, 59, tzinfo=LA)
    # Same-zone subtraction in Python is wall-clock arithmetic; compare in UTC.
    assert after - before == timedelta(days=2)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(days=2, hours=-1)


# --- require_phase_open ----------------------------------------------------------------------


@pytest.fixture
def la_edition(db: Any) -> Any:
    edition = EditionFactory(slug="mlsys2027la", name="MLSys LA", time_zone="America/Los_Angeles")
    # 23:59:59 PDT on 20 March 2027 (after the switch): 06:59:59 UTC, 18:59:59 AoE.
    DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=utc(2027, 3, 21, 6, 59, 59))
    DeadlineFactory(
        edition=edition,
        phase=Phase.BIDDING,
        opens_at=utc(2027, 3, 25, 16, 0, 0),
        closes_at=utc(2027, 4, 1, 6, 59, 59),
    )
    return edition


def test_require_phase_open_accepts_the_deadline_second(la_edition: Any) -> None:
    closes = utc(2027, 3, 21, 6, 59, 59)
    require_phase_open(la_edition, Phase.PAPER_SUBMISSION, now=closes - SECOND)
    require_phase_open(la_edition, Phase.PAPER_SUBMISSION, now=closes)


def test_require_phase_open_refuses_one_second_late_in_zone_and_aoe(la_edition: Any) -> None:
    with pytest.raises(DeadlinePassed) as caught:
        require_phase_open(la_edition, Phase.PAPER_SUBMISSION, now=utc(2027, 3, 21, 7, 0, 0))
    message = caught.value.messages[0]
    assert "paper submission deadline passed" in message
    assert "Sat 20 Mar 2027, 23:59:59 PDT" in message
    assert "Sat 20 Mar 2027, 18:59:59 AoE" in message


def test_require_phase_open_refuses_before_an_explicit_opening(la_edition: Any) -> None:
    opens = utc(2027, 3, 25, 16, 0, 0)
    with pytest.raises(DeadlinePassed) as caught:
        require_phase_open(la_edition, Phase.BIDDING, now=opens - SECOND)
    message = caught.value.messages[0]
    assert "Bidding opens at" in message
    assert "Thu 25 Mar 2027, 09:00:00 PDT" in message
    assert "AoE" in message
    require_phase_open(la_edition, Phase.BIDDING, now=opens)


def test_require_phase_open_without_a_deadline(la_edition: Any) -> None:
    with pytest.raises(DeadlinePassed, match="no deadline set"):
        require_phase_open(la_edition, Phase.CAMERA_READY, now=utc(2027, 1, 1))


def test_require_phase_open_in_berlin_shows_cet(db: Any) -> None:
    edition = EditionFactory(time_zone="Europe/Berlin")
    DeadlineFactory(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=utc(2027, 2, 1, 22, 59, 59))
    with pytest.raises(DeadlinePassed) as caught:
        require_phase_open(edition, Phase.ABSTRACT_REGISTRATION, now=utc(2027, 2, 1, 23, 0, 0))
    assert "Mon 01 Feb 2027, 23:59:59 CET" in caught.value.messages[0]
    assert "Mon 01 Feb 2027, 10:59:59 AoE" in caught.value.messages[0]


def test_require_phase_open_uses_the_clock_by_default(la_edition: Any) -> None:
    DeadlineFactory(
        edition=la_edition,
        phase=Phase.ABSTRACT_REGISTRATION,
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    with pytest.raises(DeadlinePassed):
        require_phase_open(la_edition, Phase.ABSTRACT_REGISTRATION)


def test_the_deadline_second_is_in_time_to_its_last_microsecond() -> None:
    deadline = datetime(2027, 1, 10, 11, 59, 59, tzinfo=UTC)
    window = Window(Phase.PAPER_SUBMISSION, None, deadline)
    assert window.is_open(deadline + timedelta(microseconds=999_999))
    assert not window.is_open(deadline + timedelta(seconds=1))
