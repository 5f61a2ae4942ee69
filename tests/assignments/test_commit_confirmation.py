"""Committing mails reviewers, so it is a deliberate act: a confirmation page with the number of
people mailed and the incomplete papers, and a refusal during abstract registration unless the
chair gives a reason (logged)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from actionlog.models import Action
from assignments import services
from assignments.models import Assignment
from submissions.models import SubmissionState
from tests.assignments.conftest import set_abstract_registration
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any) -> Any:
    for paper in (papers[0], papers[2]):  # with a PDF; #2 has its abstract only
        paper.state = SubmissionState.SUBMITTED
        paper.save(update_fields=["state"])
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=chair, bid_weight=0)
    assert Assignment.objects.filter(is_committed=False).count() == 12
    return papers


def commit_url(edition: Any) -> str:
    return reverse("assignments:commit", kwargs={"edition_slug": edition.slug})


def test_confirmation_page_counts_the_people_mailed_and_names_incomplete_papers(
    client: Any, edition: Any, chair: Any, drafts: Any
) -> None:
    client.login(email=chair.email, password=PASSWORD)
    page = client.get(commit_url(edition)).content.decode()
    assert "makes <strong>12</strong> draft assignments final" in page
    assert '<strong id="mailed">6</strong> reviewers' in page
    assert "an abstract only, no PDF yet: #2." in page
    assert "abstract-open" not in page
    response = client.post(commit_url(edition), follow=True)  # not confirmed
    assert "Tick the confirmation" in response.content.decode()
    assert not Assignment.objects.filter(is_committed=True).exists()


def test_commit_during_abstract_registration_needs_a_reason_which_is_logged(
    client: Any, edition: Any, chair: Any, drafts: Any, django_capture_on_commit_callbacks: Any
) -> None:
    set_abstract_registration(edition, is_open=True)
    client.login(email=chair.email, password=PASSWORD)
    assert "Reason to commit during abstract registration" in client.get(commit_url(edition)).content.decode()
    refused = client.post(commit_url(edition), {"confirmed": "yes", "override_reason": "  "}, follow=True)
    assert "Abstract registration is still open" in refused.content.decode()
    assert not Assignment.objects.filter(is_committed=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(commit_url(edition), {"confirmed": "yes", "override_reason": "Shepherds start early"})
    assert Assignment.objects.filter(is_committed=True).count() == 12
    logged = Action.objects.get(action="assignments.commit_override")
    assert (logged.note, logged.actor) == ("Shepherds start early", chair)


def test_the_api_refuses_too_without_a_reason(client: Any, edition: Any, chair: Any, drafts: Any) -> None:
    set_abstract_registration(edition, is_open=True)
    client.login(email=chair.email, password=PASSWORD)
    url = f"/api/editions/{edition.slug}/assignments/commit/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 400
    assert "Abstract registration is still open" in refused.content.decode()
    assert not Assignment.objects.filter(is_committed=True).exists()
    done = client.post(url, {"override_reason": "Shepherds start early"}, content_type="application/json")
    assert done.json() == {"committed": 12}
