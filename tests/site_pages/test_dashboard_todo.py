"""What each role finds to do on the edition's dashboard, seen over HTTP: the PC chair's to-do
list (counts linking to the pages where the work is done, in a fixed number of queries), the AE
chair's committee and next phase, a PC member's bids and conflicts, and the empty states."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments.models import AssignmentRun, RunStatus
from committees.models import Invitation
from conferences.models import Phase
from conferences.roles import RoleKind
from outbox.models import Mail, MailStatus
from submissions.models import Conflict, ConflictReason, ConflictSource
from tests.factories.committees import RoleFactory
from tests.factories.conferences import DeadlineFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def dashboard(client: Any, user: Any, edition: Any) -> str:
    client.force_login(user)
    response = client.get(edition.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def todo_of(html: str) -> dict[str, str]:
    """The chair's to-do lines: label -> link."""
    found = re.search(r'<ul class="todo" id="chair-todo">(.*?)</ul>', html, re.S)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', found.group(1)) if found else []
    return {label: link for link, label in links}


def url(name: str, edition: Any) -> str:
    return reverse(name, kwargs={"edition_slug": edition.slug})


def test_the_chair_to_do_list_counts_and_links(client: Any, edition: Any, chair: Any, pc_systems: Any) -> None:
    Invitation.objects.create(edition=edition, email="new@example.org", kind=RoleKind.PC_MEMBER, area="ml", token="t1")
    SubmissionFactory(edition=edition, number=1)  # abstract only
    SubmissionFactory(edition=edition, number=2)
    AssignmentRun.objects.create(edition=edition, created_by=chair, status=RunStatus.RUNNING)
    AssignmentRun.objects.create(edition=edition, created_by=chair, status=RunStatus.FAILED)
    Mail.objects.create(edition=edition, to_email="x@example.org", subject="s", body="b", status=MailStatus.FAILED)
    todo = todo_of(dashboard(client, chair, edition))
    assert todo == {
        "1 invitation unanswered": url("committees:committee", edition),
        "2 papers without a PDF": url("submissions:list", edition),
        "1 member with few bids": url("bidding:stats", edition),
        "2 papers without a balanced assignment": url("assignments:dashboard", edition),
        "1 solver run in progress": url("assignments:dashboard", edition),
        "1 solver run failed": url("assignments:dashboard", edition),
        "1 mail failed to send": f"{url('outbox:mail', edition)}?status=failed",
    }


def test_a_failed_run_before_a_finished_one_is_not_to_do(client: Any, edition: Any, chair: Any) -> None:
    AssignmentRun.objects.create(edition=edition, created_by=chair, status=RunStatus.FAILED)
    AssignmentRun.objects.create(edition=edition, created_by=chair, status=RunStatus.DONE)
    assert not any("failed" in label for label in todo_of(dashboard(client, chair, edition)))


def test_nothing_to_do_says_what_will_appear(client: Any, edition: Any, chair: Any) -> None:
    html = dashboard(client, chair, edition)
    assert todo_of(html) == {}
    assert "Nothing waits for you." in html
    assert "will be listed here as they come up" in html


def test_the_to_do_list_takes_the_same_queries_for_1_and_20_papers(
    client: Any, edition: Any, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    client.force_login(chair)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(edition.get_absolute_url()).status_code == 200
        return len(captured)

    SubmissionFactory(edition=edition, number=1)
    one = queries()
    for number in range(2, 21):
        SubmissionFactory(edition=edition, number=number)
    assert queries() == one


def test_only_the_pc_chair_gets_the_to_do_list(client: Any, edition: Any, pc_systems: Any) -> None:
    assert 'id="chair-panel"' not in dashboard(client, pc_systems, edition)


def test_a_pc_member_sees_their_bids_and_conflicts_with_links(client: Any, edition: Any, pc_systems: Any) -> None:
    paper = SubmissionFactory(edition=edition, number=1)
    Conflict.objects.create(
        submission=paper, user=pc_systems, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    html = dashboard(client, pc_systems, edition)
    assert f'href="{url("bidding:bids", edition)}" id="my-bids">You have bid on 0 papers</a>' in html
    assert f'href="{url("submissions:pc_conflicts", edition)}" id="my-conflicts">1 conflict of interest</a>' in html


def test_a_pc_member_without_papers_is_told_when_they_come(client: Any, edition: Any, pc_systems: Any) -> None:
    html = dashboard(client, pc_systems, edition)
    assert "The papers you review will appear here once the chairs commit the assignment" in html


def test_the_ae_chair_sees_their_committee_and_what_comes_next(client: Any, edition: Any, ae_member: Any) -> None:
    ae_chair = RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR).user
    Invitation.objects.create(edition=edition, email="ae2@example.org", kind=RoleKind.AE_MEMBER, token="t2")
    html = dashboard(client, ae_chair, edition)
    assert 'id="ae-chair-panel"' in html
    assert "AE committee: 1 member, 1 invitation not answered." in html
    assert "their dates appear here once the PC chairs set them" in html
    now = timezone.now()
    DeadlineFactory(
        edition=edition,
        phase=Phase.ARTIFACT_REGISTRATION,
        opens_at=now + timedelta(days=100),
        closes_at=now + timedelta(days=110),
    )
    assert "Next: Artifact registration, opens " in dashboard(client, ae_chair, edition)


def test_no_ae_chair_panel_for_others(client: Any, edition: Any, ae_member: Any, chair: Any) -> None:
    assert 'id="ae-chair-panel"' not in dashboard(client, ae_member, edition)
    assert 'id="ae-chair-panel"' not in dashboard(client, chair, edition)
