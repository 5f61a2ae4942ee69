"""No probing of authors through one's own profile (issue 7, item 2).

A PC member who tries institutions one by one in their own profile (the page or /api/me/), or
confirms an address at an institution, must see nothing change in their conflicts page, their
bidding list (page and API) or their bid summary, while the conflicts are recorded for the
solver and the chairs, who see them on the paper's conflicts and in the action log. An
automatic conflict, once found, survives a rewritten affiliation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from conferences.models import Edition
from outbox.models import Mail
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from submissions.services import conflicts_refresh_automatic
from tests.bidding.helpers import add_paper, open_bidding
from tests.factories.submissions import AuthorFactory

pytestmark = pytest.mark.django_db

BIDS_API = "/api/editions/mlsys2027/bids/"
CMU = "Carnegie Mellon University"


@pytest.fixture
def papers_of_two_institutions(edition: Edition) -> list[Submission]:
    """Paper 1 from CMU, paper 2 from ETH, in the bidding phase."""
    first = add_paper(edition, 1, title="Paged attention for serving")
    first.authors.update(email="ada@cs.cmu.example.edu", affiliation=CMU)
    second = add_paper(edition, 2, title="Congestion control for training")
    AuthorFactory(submission=second, position=2, email="bo@inf.ethz.example.ch", affiliation="ETH Zurich")
    open_bidding(edition)
    return [first, second]


def what_the_member_sees(client: Any, edition: Edition) -> dict[str, Any]:
    conflicts_page = client.get(reverse("submissions:pc_conflicts", kwargs={"edition_slug": edition.slug}))
    bids_page = client.get(reverse("bidding:bids", kwargs={"edition_slug": edition.slug}))
    bids_api = client.get(BIDS_API)
    assert (conflicts_page.status_code, bids_page.status_code, bids_api.status_code) == (200, 200, 200)
    html = bids_page.content.decode()
    summary = re.search(r'<p id="bid-summary">(.*?)</p>', html, re.S)
    return {
        "ticked": sorted(re.findall(r'name="conflict" value="(\d+)"[^>]*\bchecked\b', conflicts_page.content.decode())),
        "bidding page": sorted(re.findall(r'id="paper-(\d+)"', html)),
        "bidding api": [p["number"] for p in bids_api.json()["results"]],
        "paper 1 in the api": client.get(f"{BIDS_API}1/").status_code,
        "summary": summary.group(1) if summary else "",
    }


def chair_sees(client: Any, chair: Any, paper: Submission, member: Any) -> tuple[bool, str]:
    client.force_login(chair)
    listed = client.get(f"/api/editions/mlsys2027/submissions/{paper.number}/conflicts/").json()
    log = client.get(reverse("actionlog:log", kwargs={"edition_slug": "mlsys2027"})).content.decode()
    return any(c["user"] == member.pk for c in listed), log


def profile_form(user: Any, **changes: str) -> dict[str, str]:
    return {"first_name": user.first_name, "last_name": user.last_name, "affiliation": user.affiliation, **changes}


def test_trying_an_affiliation_in_the_profile_page_shows_the_member_nothing(
    client: Any,
    edition: Edition,
    papers_of_two_institutions: list[Submission],
    pc_ml: Any,
    chair: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pc_ml)
    before = what_the_member_sees(client, edition)
    assert before["bidding api"] == [1, 2]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:profile"), profile_form(pc_ml, affiliation=CMU))
    assert response.status_code == 302
    conflict = Conflict.objects.get(submission=papers_of_two_institutions[0], user=pc_ml)  # recorded...
    assert (conflict.reason, conflict.hidden_from_member) == (ConflictReason.AFFILIATION, True)
    assert what_the_member_sees(client, edition) == before  # ...but the member sees no change
    listed, log = chair_sees(client, chair, papers_of_two_institutions[0], pc_ml)
    assert listed
    assert "conflict.found" in log
    assert "Found after a change of the member&#x27;s own profile or addresses" in log
    page = client.get(reverse("submissions:conflicts", kwargs={"edition_slug": edition.slug, "number": 1}))
    assert "found after the member's own change; not shown to them" in page.content.decode()


def test_trying_a_domain_through_the_api_shows_the_member_nothing(
    client: Any,
    edition: Edition,
    papers_of_two_institutions: list[Submission],
    pc_ml: Any,
    chair: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pc_ml)
    before = what_the_member_sees(client, edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            "/api/me/", {"institutional_domains": "inf.ethz.example.ch"}, content_type="application/json"
        )
    assert response.status_code == 200
    conflict = Conflict.objects.get(submission=papers_of_two_institutions[1], user=pc_ml)
    assert (conflict.reason, conflict.hidden_from_member) == (ConflictReason.DOMAIN, True)
    assert what_the_member_sees(client, edition) == before
    # The paper stays biddable, and the bid is kept (the solver still never assigns the pair).
    bid = client.put(f"{BIDS_API}2/", {"level": 2}, content_type="application/json")
    assert bid.status_code == 200
    assert bid.json()["level"] == 2
    listed, log = chair_sees(client, chair, papers_of_two_institutions[1], pc_ml)
    assert listed
    assert "conflict.found" in log


def test_a_confirmed_address_is_checked_at_once_and_shown_to_no_one_but_the_chairs(
    client: Any,
    edition: Edition,
    papers_of_two_institutions: list[Submission],
    pc_ml: Any,
    chair: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pc_ml)
    before = what_the_member_sees(client, edition)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "pat@cmu.example.edu"})
    body = Mail.objects.get(to_email="pat@cmu.example.edu").body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert link
    assert not Conflict.objects.filter(user=pc_ml).exists()  # not before the address is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link.group(1))
    assert EmailAddress.objects.get(email="pat@cmu.example.edu").verified
    conflict = Conflict.objects.get(submission=papers_of_two_institutions[0], user=pc_ml)
    assert (conflict.reason, conflict.hidden_from_member) == (ConflictReason.DOMAIN, True)
    client.force_login(pc_ml)
    assert what_the_member_sees(client, edition) == before
    assert chair_sees(client, chair, papers_of_two_institutions[0], pc_ml)[0]


def test_an_automatic_conflict_survives_a_rewritten_affiliation(
    client: Any, edition: Edition, papers_of_two_institutions: list[Submission], pc_ml: Any
) -> None:
    pc_ml.affiliation = CMU
    pc_ml.save()
    conflicts_refresh_automatic(submission=papers_of_two_institutions[0])  # as when the authors are saved
    client.force_login(pc_ml)
    before = what_the_member_sees(client, edition)
    assert before["ticked"] == [str(papers_of_two_institutions[0].pk)]
    assert before["bidding api"] == [2]
    response = client.post(reverse("accounts:profile"), profile_form(pc_ml, affiliation="Nowhere In Particular"))
    assert response.status_code == 302
    conflict = Conflict.objects.get(submission=papers_of_two_institutions[0], user=pc_ml)
    assert (conflict.source, conflict.reason) == (ConflictSource.AUTOMATIC, ConflictReason.AFFILIATION)
    assert what_the_member_sees(client, edition) == before
