"""Publishing the draft: version numbers, the change log's sentences, and the refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from actionlog.models import Action
from artifacts.models import Artifact, BadgeDecision
from conferences.models import Edition, Release, ReleaseKind
from mlsys_conf.policy import PolicyDenied
from program import publishing, services
from program.models import ProgramVersion, Slot
from program.snapshot import build_snapshot
from tests.program.builder_support import TUE_9, WED_14, paper, place, program_edition, session

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted(program_edition: Edition, chair: Any) -> dict[str, Any]:
    hall = services.room_add(edition=program_edition, name="Hall", by=chair)
    talks = session(program_edition, "Systems I", TUE_9, 90, room=hall, by=chair)
    ml = session(program_edition, "ML I", WED_14, 90, room=hall, by=chair)
    first, second = paper(program_edition, 1), paper(program_edition, 2)
    place(talks, first, chair, minutes=20)
    place(talks, second, chair, minutes=20)
    return {"hall": hall, "talks": talks, "ml": ml, "first": first, "second": second}


def test_first_version_and_nothing_changed(program_edition: Edition, chair: Any, drafted: dict[str, Any]) -> None:
    assert publishing.unpublished_changes(program_edition) == ["First version of the program: 2 sessions, 2 papers."]
    version = publishing.publish(program_edition, by=chair, note="  Welcome.  ")
    assert (version.number, version.note, version.changes) == (
        1,
        "Welcome.",
        ["First version of the program: 2 sessions, 2 papers."],
    )
    assert version.snapshot == build_snapshot(program_edition)
    assert Release.objects.get(edition=program_edition, kind=ReleaseKind.PROGRAM).released_at == version.published_at
    assert Action.objects.filter(action="program.published", edition=program_edition).count() == 1
    assert publishing.unpublished_changes(program_edition) == []
    with pytest.raises(ValidationError, match="Nothing changed since version 1"):
        publishing.publish(program_edition, by=chair)


def test_an_empty_program_is_not_published(program_edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError, match="no session yet"):
        publishing.publish(program_edition, by=chair)


def test_only_chairs_publish(program_edition: Edition, pc_systems: Any, drafted: dict[str, Any]) -> None:
    with pytest.raises(PolicyDenied):
        publishing.publish(program_edition, by=pc_systems)


def test_publishing_would_not_reveal_a_decision(program_edition: Edition, chair: Any, drafted: dict[str, Any]) -> None:
    first = drafted["first"]
    first.decision_released_at = None
    first.save(update_fields=["decision_released_at"])
    assert "#1 are not released yet" in (publishing.why_not_publishable(program_edition) or "")
    with pytest.raises(ValidationError, match="publishing the program would reveal them"):
        publishing.publish(program_edition, by=chair)
    assert not ProgramVersion.objects.exists()


def test_a_paper_moved_to_another_session(program_edition: Edition, chair: Any, drafted: dict[str, Any]) -> None:
    publishing.publish(program_edition, by=chair)
    slot = Slot.objects.get(submission=drafted["first"])
    services.slot_transfer(slot=slot, session=drafted["ml"], by=chair)
    expected = [
        'Paper #1 moved from "Systems I" Tue 09:00 to "ML I" Wed 14:00.',
        'Paper #2 now starts at Tue 09:00 in "Systems I" (was Tue 09:20).',
    ]
    assert publishing.unpublished_changes(program_edition) == expected
    version = publishing.publish(program_edition, by=chair)
    assert (version.number, version.changes) == (2, expected)


def test_sessions_added_removed_renamed_retimed_and_moved(
    program_edition: Edition, chair: Any, drafted: dict[str, Any]
) -> None:
    publishing.publish(program_edition, by=chair)
    room_b = services.room_add(edition=program_edition, name="Room B", by=chair)
    talks = drafted["talks"]
    start = TUE_9 + timedelta(hours=1)
    data = services.SessionInput(
        title="Systems One", kind="talks", starts_at=start, ends_at=start + timedelta(minutes=90), room_id=room_b.pk
    )
    services.session_save(edition=program_edition, session=talks, data=data, by=chair)
    services.session_remove(session=drafted["ml"], by=chair)
    session(program_edition, "Keynote", WED_14, kind="keynote", by=chair)
    services.room_update(room=drafted["hall"], name="Main Hall", by=chair)
    changes = publishing.unpublished_changes(program_edition)
    assert 'Session "Systems I" renamed to "Systems One".' in changes
    assert 'Session "Systems One" moved from Tue 09:00-10:30 to Tue 10:00-11:30.' in changes
    assert 'Session "Systems One" moved from Hall to Room B.' in changes
    assert 'Session "Keynote" added: Wed 14:00-15:00 in no room.' in changes
    assert 'Session "ML I" removed (was Wed 14:00-15:30).' in changes
    assert 'Room "Hall" renamed to "Main Hall".' in changes
    assert not any(line.startswith("Paper #") for line in changes)  # the papers moved with their session


def test_papers_added_removed_and_their_metadata(program_edition: Edition, chair: Any, drafted: dict[str, Any]) -> None:
    publishing.publish(program_edition, by=chair)
    services.slot_remove(slot=Slot.objects.get(submission=drafted["second"]), by=chair)
    place(drafted["ml"], paper(program_edition, 3, title="Third"), chair)
    final = drafted["first"].final_version
    final.title = "Faster Kernels"
    final.save()
    final.authors.update(name="Renamed Person")
    artifact = Artifact.objects.create(
        submission=drafted["first"], abstract="x", repository_url="https://example.org/x", badges=["available"]
    )
    BadgeDecision.objects.create(artifact=artifact, badges=["available"], decided_at=TUE_9, released_at=TUE_9)
    changes = publishing.unpublished_changes(program_edition)
    assert changes == [
        'Paper #1: title changed from "Paper 1" to "Faster Kernels".',
        "Paper #1: authors changed (Presenter 1 → Renamed Person).",
        "Paper #1: presented by Renamed Person (was Presenter 1).",
        "Paper #1: badges now available (were none).",
        'Paper #2 "Paper 2" removed from the program.',
        'Paper #3 "Third" added to "ML I" Wed 14:00.',
    ]


def test_describe_changes_of_nothing(program_edition: Edition) -> None:
    assert publishing.describe_changes(None, build_snapshot(program_edition)) == []
    snapshot = build_snapshot(program_edition)
    assert publishing.describe_changes(snapshot, snapshot) == []


def test_readers_see_a_new_version_at_once(
    program_edition: Edition, chair: Any, drafted: dict[str, Any], client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The public pages keep which version is the newest in the cache; publishing forgets it."""
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(program_edition, by=chair)
    url = f"/{program_edition.slug}/program/"
    assert "Systems I<" in client.get(url).content.decode()
    services.session_save(
        edition=program_edition,
        session=drafted["talks"],
        data=services.SessionInput(
            title="Systems One", kind="talks", starts_at=drafted["talks"].starts_at, ends_at=drafted["talks"].ends_at
        ),
        by=chair,
    )
    assert "Systems One<" not in client.get(url).content.decode()  # a draft, not published
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(program_edition, by=chair)
    assert "Systems One<" in client.get(url).content.decode()
