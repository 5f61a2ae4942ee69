"""Chairs' extensions as rows: per paper (any input phase) or per person, enforced and logged by
``extension_grant``, honoured by ``require_open_for`` / ``require_open_for_person``, managed
on the paper's page and through ``/api/editions/<slug>/extensions/``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from actionlog.models import Action
from conferences.models import Edition, Phase
from conferences.services import DeadlinePassed
from mlsys_conf.policy import PolicyDenied
from submissions.deadlines import require_open_for, require_open_for_person, why_closed
from submissions.models import Extension, Submission
from submissions.services import extension_grant
from tests.factories.conferences import EditionFactory
from tests.factories.submissions import SubmissionFactory
from tests.submissions.helpers import deadline_of, extend

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
API = "/api/editions/mlsys2027/extensions/"
REFUSAL = "Only the PC chairs can extend a deadline."


def after(edition: Edition, phase: Phase) -> Any:
    return deadline_of(edition, phase) + timedelta(hours=1)


# --- The rule, in the service ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pc_systems", "author", "outsider"])
def test_only_chairs_grant_extensions_in_the_service(request: Any, submission: Submission, who: str) -> None:
    user = request.getfixturevalue(who)
    until = timezone.now() + timedelta(days=30)
    with pytest.raises(PolicyDenied, match=REFUSAL):
        extension_grant(
            by=user, edition=submission.edition, submission=submission, phase=Phase.PAPER_SUBMISSION, until=until
        )
    with pytest.raises(PolicyDenied, match=REFUSAL):
        extension_grant(by=user, edition=submission.edition, user=user, phase=Phase.REVIEWING, until=until)
    assert not Extension.objects.exists()


def test_a_release_is_not_an_input_deadline_and_cannot_be_extended(submission: Submission, chair: Any) -> None:
    with pytest.raises(ValidationError, match="not an input deadline"):
        extend(submission, chair, timezone.now() + timedelta(days=1), Phase.NOTIFICATION)


def test_an_extension_is_for_a_paper_or_a_person(submission: Submission, chair: Any, pc_systems: Any) -> None:
    until = timezone.now() + timedelta(days=1)
    for whom in ({}, {"submission": submission, "user": pc_systems}):
        with pytest.raises(ValidationError, match="one paper or for one person"):
            extension_grant(by=chair, edition=submission.edition, phase=Phase.REVIEWING, until=until, **whom)


def test_a_paper_of_another_edition_is_refused(submission: Submission, chair: Any) -> None:
    other = SubmissionFactory(number=7)
    with pytest.raises(ValidationError, match="another edition"):
        extension_grant(
            by=chair, edition=submission.edition, submission=other, phase=Phase.PAPER_SUBMISSION, until=timezone.now()
        )


def test_grant_change_and_removal_are_logged_with_before_and_after(submission: Submission, chair: Any) -> None:
    first, second = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=2)
    extend(submission, chair, first, reason="Hospital stay")
    extend(submission, chair, second)
    extend(submission, chair, None)
    extend(submission, chair, None)  # nothing left to remove: nothing logged

    entries = list(Action.objects.filter(action__startswith="extension.").order_by("pk"))
    assert [e.action for e in entries] == ["extension.granted", "extension.granted", "extension.removed"]
    assert all(e.actor == chair and e.paper_id == submission.pk for e in entries)
    assert entries[0].changes["paper_until"][0] is None
    assert entries[0].note == "Hospital stay"
    assert entries[1].changes["paper_until"][0] == entries[0].changes["paper_until"][1]
    assert entries[2].changes["paper_until"][1] is None
    assert not Extension.objects.exists()


# --- What an extension opens --------------------------------------------------------------------


def test_a_paper_extension_opens_that_phase_for_that_paper_to_the_second(
    edition: Edition, submission: Submission, chair: Any
) -> None:
    other = SubmissionFactory(edition=edition, number=2)
    until = after(edition, Phase.PAPER_SUBMISSION)
    extend(submission, chair, until)

    require_open_for(submission, Phase.PAPER_SUBMISSION, now=until)
    assert why_closed(submission, Phase.PAPER_SUBMISSION, now=until) is None
    with pytest.raises(DeadlinePassed, match="extended deadline of this paper passed"):
        require_open_for(submission, Phase.PAPER_SUBMISSION, now=until + SECOND)
    with pytest.raises(DeadlinePassed, match="paper submission deadline passed"):
        require_open_for(other, Phase.PAPER_SUBMISSION, now=until)
    with pytest.raises(DeadlinePassed, match="abstract registration deadline passed"):  # another phase stays shut
        require_open_for(submission, Phase.ABSTRACT_REGISTRATION, now=until)


def test_any_input_phase_of_a_paper_can_be_extended(edition: Edition, submission: Submission, chair: Any) -> None:
    """Camera-ready has no deadline in this edition yet: the paper's extension still holds."""
    until = timezone.now() + timedelta(days=100)
    extend(submission, chair, until, Phase.CAMERA_READY)
    require_open_for(submission, Phase.CAMERA_READY, now=until)
    with pytest.raises(DeadlinePassed):
        require_open_for(submission, Phase.CAMERA_READY, now=until + SECOND)


def test_a_person_extension_opens_that_persons_input_only(
    edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, submission: Submission
) -> None:
    until = after(edition, Phase.REVIEWING)
    extension_grant(by=chair, edition=edition, user=pc_systems, phase=Phase.REVIEWING, until=until, reason="Travel")

    require_open_for_person(edition, Phase.REVIEWING, pc_systems, now=until)
    require_open_for(submission, Phase.REVIEWING, user=pc_systems, now=until)  # their review of this paper
    with pytest.raises(DeadlinePassed, match="extended deadline given to you passed"):
        require_open_for_person(edition, Phase.REVIEWING, pc_systems, now=until + SECOND)
    with pytest.raises(DeadlinePassed, match="reviewing deadline passed"):
        require_open_for_person(edition, Phase.REVIEWING, pc_ml, now=until)
    with pytest.raises(DeadlinePassed, match="reviewing deadline passed"):
        require_open_for(submission, Phase.REVIEWING, now=until)  # the paper itself has no extension
    [logged] = Action.objects.filter(action="extension.granted")
    assert logged.person == pc_systems
    assert logged.paper_id is None


# --- The paper's page ----------------------------------------------------------------------------


def test_the_chair_sees_and_removes_each_extension_on_the_paper_page(
    client: Any, submission: Submission, chair: Any
) -> None:
    extend(submission, chair, timezone.now() + timedelta(days=1), Phase.PAPER_SUBMISSION, Phase.SUPPLEMENTARY_MATERIAL)
    client.force_login(chair)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert 'id="extensions"' in page
    assert page.count('<tr data-phase="') >= 2

    url = f"/mlsys2027/submissions/{submission.number}/extension/"
    client.post(url, {"phase": "supplementary", "until": ""})
    assert list(submission.extensions.values_list("phase", flat=True)) == ["paper"]


def test_the_page_refuses_a_phase_that_is_not_an_input(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    url = f"/mlsys2027/submissions/{submission.number}/extension/"
    response = client.post(url, {"phase": "notification", "until": "2099-01-01T00:00:00"}, follow=True)
    assert "Choose an input deadline." in response.content.decode()
    assert not submission.extensions.exists()


# --- The API -----------------------------------------------------------------------------------------


def test_chairs_create_list_change_and_delete_extensions(
    client: Any, submission: Submission, chair: Any, pc_systems: Any
) -> None:
    client.force_login(chair)
    paper = client.post(
        API, {"phase": "paper", "until": "2099-01-01T00:00:00Z", "paper": 1, "reason": "Flood"}, "application/json"
    )
    assert paper.status_code == 201, paper.content
    assert paper.json() | {"id": 0, "created_at": ""} == {
        "id": 0,
        "phase": "paper",
        "until": "2099-01-01T00:00:00Z",
        "paper": 1,
        "person": None,
        "reason": "Flood",
        "granted_by": chair.email,
        "created_at": "",
    }
    for_person = {"phase": "reviewing", "until": "2099-02-01T00:00:00Z", "person": pc_systems.pk}
    person = client.post(API, for_person, "application/json")
    assert person.status_code == 201
    assert person.json()["person"] == pc_systems.email

    assert client.get(API).json()["count"] == 2
    assert [e["phase"] for e in client.get(f"{API}?paper=1").json()["results"]] == ["paper"]

    url = f"{API}{paper.json()['id']}/"
    moved = client.patch(url, {"until": "2099-01-03T00:00:00Z"}, "application/json")
    assert moved.status_code == 200
    assert moved.json()["until"] == "2099-01-03T00:00:00Z"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert [e.action for e in Action.objects.filter(action__startswith="extension.").order_by("pk")] == [
        "extension.granted",
        "extension.granted",
        "extension.granted",
        "extension.removed",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"phase": "paper", "until": "2099-01-01T00:00:00Z"},  # neither paper nor person
        {"phase": "paper", "until": "2099-01-01T00:00:00Z", "paper": 1, "person": 1},
        {"phase": "notification", "until": "2099-01-01T00:00:00Z", "paper": 1},
        {"phase": "paper", "until": "soon", "paper": 1},
    ],
)
def test_bad_extensions_are_a_400(client: Any, submission: Submission, chair: Any, body: dict[str, Any]) -> None:
    client.force_login(chair)
    assert client.post(API, body, "application/json").status_code == 400
    assert not Extension.objects.exists()


def test_an_unknown_paper_is_a_404(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    body = {"phase": "paper", "until": "2099-01-01T00:00:00Z", "paper": 99}
    assert client.post(API, body, "application/json").status_code == 404


@pytest.mark.parametrize("who", ["pc_systems", "author"])
def test_non_chairs_are_refused_by_the_api(request: Any, client: Any, submission: Submission, who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    body = {"phase": "paper", "until": "2099-01-01T00:00:00Z", "paper": 1}
    response = client.post(API, body, "application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == REFUSAL
    assert client.get(API).status_code == 403
    assert not Extension.objects.exists()


# --- The column becomes rows -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_column_into_paper_and_supplementary_rows() -> None:
    executor = MigrationExecutor(connection)
    before, latest = [("submissions", "0007_submission_state")], executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    edition_id = EditionFactory(slug="old2026").pk  # conferences stays migrated: today's model
    paper = old.get_model("submissions", "Submission")
    until = timezone.now() + timedelta(days=3)
    extended = paper.objects.create(
        edition_id=edition_id, number=1, title="E", abstract="A", topic="ml", extended_until=until
    )
    paper.objects.create(edition_id=edition_id, number=2, title="N", abstract="A", topic="ml")

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    rows = Extension.objects.filter(edition__slug="old2026").order_by("phase")
    assert [(e.submission_id, e.phase, e.until) for e in rows] == [
        (extended.pk, "paper", until),
        (extended.pk, "supplementary", until),
    ]
