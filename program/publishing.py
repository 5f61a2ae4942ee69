"""Publishing the chairs' draft: freeze it into a :class:`ProgramVersion` (numbered 1, 2, ...)
with the list of what changed since the version before, in sentences readers understand
("Paper #12 moved from "Session A" Tue 10:30 to "Session B" Wed 14:00.").

The public program reads the newest version only and keys its cache by the version's number,
so publishing is all it takes for readers to see the new program.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionlog.services import record_action
from conferences.models import Edition, Release, ReleaseKind
from conferences.selectors import forget_release_moments
from mlsys_conf.policy import require
from program import policy
from program.models import ProgramVersion, Slot
from program.public_program import forget_newest_version
from program.selectors import published_version
from program.snapshot import PaperEntry, SessionEntry, Snapshot, build_snapshot
from program.wording import quoted, short, span
from submissions.models import SubmissionState
from submissions.states import decision_is_shown

NO_ROOM = "no room"


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


class _Reader:
    """A snapshot read for the change log: sessions' titles, times and rooms by id."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.zone = ZoneInfo(snapshot["edition"]["time_zone"])
        self.sessions = {entry["id"]: entry for entry in snapshot["sessions"]}
        self.rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}

    def when(self, entry: SessionEntry) -> str:
        return span(_moment(entry["starts_at"]), _moment(entry["ends_at"]), self.zone)

    def room(self, entry: SessionEntry) -> str:
        return self.rooms.get(entry["room"], NO_ROOM) if entry["room"] is not None else NO_ROOM

    def places(self, number: int) -> dict[int, str]:
        """session id -> the paper's start there (ISO), for the paper ``number``."""
        return {
            entry["id"]: slot["starts_at"]
            for entry in self.snapshot["sessions"]
            for slot in entry["slots"]
            if slot["number"] == number
        }

    def place_text(self, places: dict[int, str]) -> str:
        return " and ".join(
            f"{quoted(self.sessions[sid]['title'])} {short(_moment(start), self.zone)}" for sid, start in places.items()
        )


def _session_changes(old: _Reader, new: _Reader) -> list[str]:
    lines = []
    for sid, entry in new.sessions.items():
        title = quoted(entry["title"])
        before = old.sessions.get(sid)
        if before is None:
            lines.append(f"Session {title} added: {new.when(entry)} in {new.room(entry)}.")
            continue
        if before["title"] != entry["title"]:
            lines.append(f"Session {quoted(before['title'])} renamed to {title}.")
        if (before["starts_at"], before["ends_at"]) != (entry["starts_at"], entry["ends_at"]):
            lines.append(f"Session {title} moved from {old.when(before)} to {new.when(entry)}.")
        if old.room(before) != new.room(entry):
            lines.append(f"Session {title} moved from {old.room(before)} to {new.room(entry)}.")
        if before["kind"] != entry["kind"]:
            lines.append(f"Session {title} is now {entry['kind']} (was {before['kind']}).")
        for key, label in (("chair", "chair"), ("speaker", "speaker")):
            if before[key] != entry[key]:  # type: ignore[literal-required]
                now = entry[key] or "none"  # type: ignore[literal-required]
                lines.append(f"Session {title}: {label} now {now} (was {before[key] or 'none'}).")  # type: ignore[literal-required]
        if before["description"] != entry["description"]:
            lines.append(f"Session {title}: description changed.")
    for sid, entry in old.sessions.items():
        if sid not in new.sessions:
            lines.append(f"Session {quoted(entry['title'])} removed (was {old.when(entry)}).")
    return lines


def _names(paper: PaperEntry) -> str:
    return ", ".join(author["name"] for author in paper["authors"]) or "none"


def _paper_changes(old: _Reader, new: _Reader) -> list[str]:
    lines = []
    old_papers, new_papers = old.snapshot["papers"], new.snapshot["papers"]
    for key in sorted(set(old_papers) | set(new_papers), key=int):
        number = int(key)
        before, after = old_papers.get(key), new_papers.get(key)
        if after is None:
            assert before is not None
            lines.append(f"Paper #{number} {quoted(before['title'])} removed from the program.")
            continue
        if before is None:
            lines.append(f"Paper #{number} {quoted(after['title'])} added to {new.place_text(new.places(number))}.")
            continue
        was, now = old.places(number), new.places(number)
        if set(was) != set(now):
            lines.append(f"Paper #{number} moved from {old.place_text(was)} to {new.place_text(now)}.")
        else:
            for sid, start in now.items():
                session_kept_time = old.sessions[sid]["starts_at"] == new.sessions[sid]["starts_at"]
                if start != was[sid] and session_kept_time:
                    title = quoted(new.sessions[sid]["title"])
                    lines.append(
                        f"Paper #{number} now starts at {short(_moment(start), new.zone)} in {title} "
                        f"(was {short(_moment(was[sid]), old.zone)})."
                    )
        if before["title"] != after["title"]:
            lines.append(f"Paper #{number}: title changed from {quoted(before['title'])} to {quoted(after['title'])}.")
        if before["authors"] != after["authors"]:
            lines.append(f"Paper #{number}: authors changed ({_names(before)} → {_names(after)}).")
        if before["presenter"] != after["presenter"]:
            lines.append(
                f"Paper #{number}: presented by {after['presenter'] or 'nobody named'} "
                f"(was {before['presenter'] or 'nobody named'})."
            )
        if sorted(before["badges"]) != sorted(after["badges"]):
            badges = ", ".join(after["badges"]) or "none"
            lines.append(f"Paper #{number}: badges now {badges} (were {', '.join(before['badges']) or 'none'}).")
        if (before["pdf"] or {"sha256": ""})["sha256"] != (after["pdf"] or {"sha256": ""})["sha256"]:
            lines.append(f"Paper #{number}: final PDF {'replaced' if after['pdf'] else 'withdrawn'}.")
        if before["abstract"] != after["abstract"] or before["keywords"] != after["keywords"]:
            lines.append(f"Paper #{number}: abstract or keywords changed.")
    return lines


def _room_changes(old: _Reader, new: _Reader) -> list[str]:
    return [
        f"Room {quoted(old.rooms[rid])} renamed to {quoted(name)}."
        for rid, name in new.rooms.items()
        if rid in old.rooms and old.rooms[rid] != name
    ]


def describe_changes(before: Snapshot | None, after: Snapshot) -> list[str]:
    """What changed from ``before`` (None: nothing published yet) to ``after``, in sentences:
    sessions first, then rooms, then papers by number. Empty: nothing changed."""
    if before is None:
        sessions, papers = len(after["sessions"]), len(after["papers"])
        if not sessions:
            return []
        return [
            f"First version of the program: {sessions} session{'s' if sessions != 1 else ''}, "
            f"{papers} paper{'s' if papers != 1 else ''}."
        ]
    old, new = _Reader(before), _Reader(after)
    return [*_session_changes(old, new), *_room_changes(old, new), *_paper_changes(old, new)]


def unpublished_changes(edition: Edition) -> list[str]:
    """What publishing now would change for readers."""
    published = published_version(edition)
    return describe_changes(published.snapshot if published else None, build_snapshot(edition))


def why_not_publishable(edition: Edition, now: datetime | None = None) -> str | None:
    """Why the draft may not be published: a placed paper that is no longer accepted, or whose
    acceptance is not released yet (the program would leak the decision)."""
    slots = Slot.objects.filter(session__edition=edition).select_related("submission__edition")
    hidden, not_accepted = set(), set()
    for slot in slots:
        paper = slot.submission
        if paper.state != SubmissionState.ACCEPTED:
            not_accepted.add(paper.number)
        elif not decision_is_shown(paper, now):
            hidden.add(paper.number)
    if not_accepted:
        listed = ", ".join(f"#{n}" for n in sorted(not_accepted))
        return f"Papers placed in the program are no longer accepted ({listed}): take them out first."
    if hidden:
        listed = ", ".join(f"#{n}" for n in sorted(hidden))
        return f"The decisions on {listed} are not released yet: publishing the program would reveal them."
    return None


def _record_release(edition: Edition, by: Any, now: datetime) -> None:
    """The program's release (conferences.releases) happens with its first publication."""
    release, _ = Release.objects.get_or_create(edition=edition, kind=ReleaseKind.PROGRAM)
    if Release.objects.filter(pk=release.pk, released_at__isnull=True).update(released_at=now, by=by):
        forget_release_moments(edition)


@transaction.atomic
def publish(edition: Edition, by: Any, note: str = "", now: datetime | None = None) -> ProgramVersion:
    """Publish the draft as the next version, with its change log."""
    require(policy.can_build_program(by, edition))
    now = now or timezone.now()
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    reason = why_not_publishable(edition, now)
    if reason:
        raise ValidationError(reason)
    previous = published_version(edition)
    snapshot = build_snapshot(edition)
    changes = describe_changes(previous.snapshot if previous else None, snapshot)
    if not changes:
        if previous is None:
            raise ValidationError("The program has no session yet: add sessions before publishing.")
        raise ValidationError(f"Nothing changed since version {previous.number}.")
    version = ProgramVersion.objects.create(
        edition=edition,
        number=(previous.number if previous else 0) + 1,
        published_at=now,
        published_by=by,
        note=note.strip()[:500],
        snapshot=snapshot,
        changes=changes,
    )
    _record_release(edition, by, now)
    transaction.on_commit(lambda: forget_newest_version(edition))
    record_action(
        edition=edition,
        actor=by,
        action="program.published",
        target=version,
        changes={"version": (previous.number if previous else None, version.number)},
        note=f"{len(changes)} change{'s' if len(changes) != 1 else ''}",
    )
    return version
