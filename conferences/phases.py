"""Which phases of an edition are open, computed from the clock and the stored deadlines.

Pure functions over plain values, so the edges (one second before and after a deadline,
AoE, daylight-saving zones) are easy to test. A phase is open from its opening instant up to
and including the second of its (hard) deadline: ``opens_at <= now <= closes_at``. A deadline may
also announce an earlier soft close: input after it is still taken, and flagged late.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from conferences.models import OPENS_AFTER, Deadline, Phase

# Anywhere on Earth: the last time zone in which a day ends (UTC-12, no daylight saving).
AOE = timezone(timedelta(hours=-12), "AoE")


class WindowState(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Window:
    phase: Phase
    opens_at: datetime | None  # None: open from the start
    closes_at: datetime  # the hard close
    soft_closes_at: datetime | None = None  # the announced deadline, if earlier than the hard close

    def state(self, now: datetime) -> WindowState:
        if self.opens_at is not None and now < self.opens_at:
            return WindowState.UPCOMING
        if within_the_second(now, self.closes_at):
            return WindowState.OPEN
        return WindowState.CLOSED

    def is_open(self, now: datetime) -> bool:
        return self.state(now) is WindowState.OPEN

    def is_late(self, now: datetime) -> bool:
        """Open, but past the announced deadline: what is handed in now is marked late."""
        return self.soft_closes_at is not None and self.is_open(now) and not within_the_second(now, self.soft_closes_at)

    @property
    def announced_close(self) -> datetime:
        return self.soft_closes_at or self.closes_at

    def next_close(self, now: datetime) -> datetime:
        """The close to count down to: the announced one while it is ahead, then the hard one."""
        return self.announced_close if within_the_second(now, self.announced_close) else self.closes_at

    @property
    def label(self) -> str:
        return self.phase.label


@dataclass(frozen=True)
class Timeline:
    """Every phase window of one edition, in order of closing."""

    windows: tuple[Window, ...]

    @classmethod
    def from_deadlines(cls, deadlines: Iterable[Deadline]) -> Timeline:
        by_phase = {Phase(d.phase): d for d in deadlines}
        windows = []
        for phase, deadline in by_phase.items():
            windows.append(
                Window(
                    phase,
                    deadline.opens_at or _implicit_opening(phase, by_phase),
                    deadline.closes_at,
                    deadline.soft_closes_at,
                )
            )
        return cls(tuple(sorted(windows, key=lambda w: (w.closes_at, Phase.ordered().index(w.phase)))))

    def window(self, phase: Phase) -> Window | None:
        return next((w for w in self.windows if w.phase == phase), None)

    def is_open(self, phase: Phase, now: datetime) -> bool:
        window = self.window(phase)
        return window is not None and window.is_open(now)

    def is_late(self, phase: Phase, now: datetime) -> bool:
        window = self.window(phase)
        return window is not None and window.is_late(now)

    def open_phases(self, now: datetime) -> list[Phase]:
        return [w.phase for w in self.windows if w.is_open(now)]

    def current(self, now: datetime) -> Window | None:
        """The open phase that closes first: what the edition is busy with now."""
        return next((w for w in self.windows if w.is_open(now)), None)

    def next_deadline(self, now: datetime) -> Window | None:
        """The first deadline still ahead of now."""
        return next((w for w in self.windows if w.closes_at >= now), None)

    def status(self, now: datetime) -> str:
        current = self.current(now)
        if current:
            return current.label
        if not self.windows:
            return "No deadlines set yet"
        if all(w.state(now) is WindowState.CLOSED for w in self.windows):
            return "Concluded"
        upcoming = min(
            (w for w in self.windows if w.state(now) is WindowState.UPCOMING),
            key=lambda w: w.opens_at or now,
            default=None,
        )
        return f"Before {upcoming.label.lower()}" if upcoming else "Between phases"


def _implicit_opening(phase: Phase, by_phase: dict[Phase, Deadline]) -> datetime | None:
    """The closing time of the nearest earlier phase that has a deadline (see OPENS_AFTER)."""
    previous = OPENS_AFTER[phase]
    while previous is not None:
        if previous in by_phase:
            return by_phase[previous].closes_at
        previous = OPENS_AFTER[previous]
    return None


def within_the_second(now: datetime, deadline: datetime) -> bool:
    """A deadline of 23:59:59 takes all of that second: 23:59:59.999 is still in time."""
    return now.replace(microsecond=0) <= deadline


def in_aoe(moment: datetime) -> datetime:
    return moment.astimezone(AOE)


# The one way a moment is written for people, on pages, in messages and in mail: the day, the
# time to the second and the zone ("Tue 01 Dec 2026, 23:59:59 CET"); the |local and |aoe
# filters (conferences.templatetags.deadlines) write it in templates.
DAY_FORMAT = "%a %d %b %Y"  # a calendar day (the conference's own days have no zone)
MOMENT_FORMAT = f"{DAY_FORMAT}, %H:%M:%S"


def format_in(moment: datetime, zone: tzinfo) -> str:
    """``moment`` in ``zone``, with the zone's abbreviation (AoE for Anywhere on Earth)."""
    here = moment.astimezone(zone)
    return f"{here.strftime(MOMENT_FORMAT)} {here.tzname()}"


def format_aoe(moment: datetime) -> str:
    return format_in(moment, AOE)


def utc_now() -> datetime:
    return datetime.now(UTC)
