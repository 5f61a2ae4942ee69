"""Manual changes without internal ids (issue 9, item 1): the chair picks the paper by number and
title, the PC member by name and area, and for a swap the assignment by its paper and reviewer;
a member conflicted with the paper is refused with the reason. The API still takes the paper
number and the user id."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from assignments import services
from assignments.models import Assignment
from conferences.models import Area
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db


def dashboard(client: Any, edition: Any) -> str:
    return client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()


def form_html(page: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert match, form_id
    return match[0]


def options(html: str, name: str) -> dict[str, str]:
    """The options of the select named ``name``: value -> label."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return {v: label.strip() for v, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])}


@pytest.fixture
def drafts(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=chair, bid_weight=0)
    assert Assignment.objects.count() == 12


def test_the_add_form_lists_papers_by_title_and_members_by_name(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    client.force_login(chair)
    form = form_html(dashboard(client, edition), "add-form")
    assert 'type="number"' not in form  # nothing typed by hand
    papers_listed = options(form, "number")
    assert papers_listed == {"": "Choose a paper", "1": "#1 — Paper 1", "2": "#2 — Paper 2", "3": "#3 — Paper 3"}
    members = options(form, "user")
    member = pc[Area.ML][1]
    assert members[str(member.pk)] == f"{member.display_name} (ML)"
    assert len(members) == 1 + 6


def test_adding_by_choosing_assigns_and_a_conflicted_member_is_refused(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    client.force_login(chair)
    url = reverse("assignments:add", kwargs={"edition_slug": edition.slug})
    member, other = pc[Area.SYSTEMS][0], pc[Area.SYSTEMS][1]
    page = client.post(url, {"number": "2", "user": str(member.pk)}, follow=True).content.decode()
    assert "Assigned #2." in page
    assert Assignment.objects.filter(submission=papers[1], user=member).exists()
    Conflict.objects.create(submission=papers[2], user=other, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR)
    page = client.post(url, {"number": "3", "user": str(other.pk)}, follow=True).content.decode()
    assert f"{other.display_name} has a conflict of interest with #3." in page
    assert not Assignment.objects.filter(submission=papers[2], user=other).exists()


def test_a_conflicted_chair_sees_no_hidden_paper_in_the_lists(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org")
    papers[0].authors.update(email=chair.email)  # the chair's own paper: the page finds the conflict
    client.force_login(chair)
    page = dashboard(client, edition)
    assert "Paper 1" not in page
    assert "#1 — " not in page
    assert set(options(form_html(page, "add-form"), "number")) == {"", "2", "3"}
    swap = form_html(page, "swap-form")
    listed = set(options(swap, "first")) - {""}
    assert listed == {str(pk) for pk in Assignment.objects.exclude(submission=papers[0]).values_list("pk", flat=True)}
    # Posting the hidden paper's number anyway assigns nothing.
    free = next(m for m in pc[Area.ML] if not Assignment.objects.filter(submission=papers[0], user=m).exists())
    url = reverse("assignments:add", kwargs={"edition_slug": edition.slug})
    page = client.post(url, {"number": "1", "user": str(free.pk)}, follow=True).content.decode()
    assert "Choose a paper and a PC member from the lists." in page
    assert not Assignment.objects.filter(submission=papers[0], user=free).exists()


def test_the_swap_form_lists_assignments_by_paper_and_reviewer(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    swap = form_html(dashboard(client, edition), "swap-form")
    assert 'type="number"' not in swap
    assert '<optgroup label="#2 — Paper 2">' in swap
    assignment = Assignment.objects.select_related("user").filter(submission=papers[1]).first()
    assert assignment is not None
    area = "Systems" if assignment.user in pc[Area.SYSTEMS] else "ML"
    assert options(swap, "first")[str(assignment.pk)] == f"{assignment.user.display_name} ({area})"
    replacement = options(swap, "replacement")
    assert replacement[str(pc[Area.ML][2].pk)] == f"{pc[Area.ML][2].display_name} (ML)"


def test_swap_by_choosing_gives_the_assignment_to_the_replacement(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    url = reverse("assignments:swap", kwargs={"edition_slug": edition.slug})
    first = Assignment.objects.filter(submission=papers[0], user__in=pc[Area.ML]).first()
    assert first is not None
    replacement = next(m for m in pc[Area.ML] if not Assignment.objects.filter(submission=papers[0], user=m).exists())
    before = first.user
    page = client.post(url, {"first": first.pk, "replacement": replacement.pk, "second": ""}, follow=True)
    assert f"{replacement.display_name} now reviews #1." in page.content.decode()
    assert Assignment.objects.filter(submission=papers[0], user=replacement).exists()
    assert not Assignment.objects.filter(submission=papers[0], user=before).exists()


def test_swap_to_a_conflicted_member_is_refused_with_the_reason(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    url = reverse("assignments:swap", kwargs={"edition_slug": edition.slug})
    first = Assignment.objects.filter(submission=papers[0], user__in=pc[Area.ML]).first()
    assert first is not None
    replacement = next(m for m in pc[Area.ML] if not Assignment.objects.filter(submission=papers[0], user=m).exists())
    Conflict.objects.create(
        submission=papers[0], user=replacement, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR
    )
    page = client.post(url, {"first": first.pk, "replacement": replacement.pk}, follow=True).content.decode()
    assert f"{replacement.display_name} has a conflict of interest with #1." in page
    assert Assignment.objects.filter(pk=first.pk, user=first.user).exists()  # nothing changed
    assert not Assignment.objects.filter(submission=papers[0], user=replacement).exists()


def test_swap_by_choosing_two_assignments_trades_their_reviewers(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    url = reverse("assignments:swap", kwargs={"edition_slug": edition.slug})
    on_1 = set(Assignment.objects.filter(submission=papers[0]).values_list("user_id", flat=True))
    on_2 = set(Assignment.objects.filter(submission=papers[1]).values_list("user_id", flat=True))
    first = Assignment.objects.filter(submission=papers[0], user_id__in=on_1 - on_2).first()
    second = Assignment.objects.filter(submission=papers[1], user_id__in=on_2 - on_1).first()
    assert first is not None
    assert second is not None
    page = client.post(url, {"first": first.pk, "replacement": "", "second": second.pk}, follow=True)
    assert "Swapped." in page.content.decode()
    assert Assignment.objects.filter(submission=papers[0], user_id=second.user_id).exists()
    assert Assignment.objects.filter(submission=papers[1], user_id=first.user_id).exists()


def test_swap_without_a_replacement_says_what_to_choose(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    url = reverse("assignments:swap", kwargs={"edition_slug": edition.slug})
    first = Assignment.objects.first()
    assert first is not None
    page = client.post(url, {"first": first.pk, "replacement": "", "second": ""}, follow=True).content.decode()
    assert "Choose the replacement from the list of PC members." in page
    assert Assignment.objects.count() == 12


def test_the_api_still_takes_the_paper_number_and_the_user_id(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    client.force_login(chair)
    member = pc[Area.ML][0]
    response = client.post(
        f"/api/editions/{edition.slug}/assignments/", {"number": 3, "user": member.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["assignment"]["number"] == 3
    assert Assignment.objects.filter(submission=papers[2], user=member).exists()
