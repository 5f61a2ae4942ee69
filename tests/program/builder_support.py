"""Shared set-up of the builder's tests: an edition from Tue 2 to Thu 4 March 2027 in Los
Angeles (PST, UTC-8), its chair, a room, and accepted papers with final metadata."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from conferences.models import Edition
from program import services
from program.models import ProgramSession, Room, SessionKind, Slot
from submissions.models import Submission
from tests.program.factories import PaperSpec, PersonSpec, accepted_paper, at


@pytest.fixture
def program_edition(edition: Edition) -> Edition:
    edition.time_zone = "America/Los_Angeles"
    edition.starts_on, edition.ends_on = date(2027, 3, 2), date(2027, 3, 4)
    edition.save()
    return edition


def paper(edition: Edition, number: int, presenter: str = "", title: str = "") -> Submission:
    """An accepted paper (decision released) presented by ``presenter`` (an address)."""
    people = [PersonSpec(f"Presenter {number}", email=presenter or f"p{number}@uni.example", presenter=True)]
    return accepted_paper(edition, PaperSpec(number, title or f"Paper {number}", people))


def session(
    edition: Edition,
    title: str,
    starts_at: datetime,
    minutes: int = 60,
    *,
    room: Room | None = None,
    kind: str = SessionKind.TALKS,
    by: Any = None,
    chair_id: int | None = None,
) -> ProgramSession:
    data = services.SessionInput(
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        room_id=room.pk if room else None,
        chair_id=chair_id,
    )
    return services.session_save(edition=edition, data=data, by=by)


def place(session: ProgramSession, paper: Submission, by: Any, minutes: int = 15, position: int | None = None) -> Slot:
    return services.slot_place(session=session, submission=paper, by=by, duration_minutes=minutes, position=position)


TUE_9 = at(2027, 3, 2, 17)  # Tue 2 March 09:00 PST
WED_14 = at(2027, 3, 3, 22)  # Wed 3 March 14:00 PST
