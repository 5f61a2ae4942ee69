"""The bidding page (double-blind, read-only outside the phase, works without JavaScript) and
the chairs' pages (bids, affinity explanations, the compute button), each permission-checked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bidding import services
from bidding.models import Affinity, Bid
from conferences.models import Edition
from submissions.models import Conflict, ConflictSource, Submission
from tests.bidding.helpers import add_paper, open_bidding, set_profile

pytestmark = pytest.mark.django_db


def bids_url(edition: Edition) -> str:
    return reverse("bidding:bids", kwargs={"edition_slug": edition.slug})


def stats_url(edition: Edition) -> str:
    return reverse("bidding:stats", kwargs={"edition_slug": edition.slug})


def explain_url(edition: Edition, number: int) -> str:
    return reverse("bidding:explain", kwargs={"edition_slug": edition.slug, "number": number})


def compute_url(edition: Edition) -> str:
    return reverse("bidding:compute", kwargs={"edition_slug": edition.slug})


def select_of(html: str, number: int) -> str:
    match = re.search(rf'<select name="level" id="bid-{number}"[^>]*>.*?</select>', html, re.DOTALL)
    assert match, f"no bid control for #{number}"
    return match.group(0)


# --- The bidding page --------------------------------------------------------------------------


def test_pc_page_shows_papers_but_never_their_authors(
    client: Any, bidding: Edition, submission: Submission, author: Any, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    response = client.get(bids_url(bidding))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fast Sparse Attention Kernels" in html
    assert submission.abstract[:40] in html
    for hidden in (author.display_name, author.email, "Co Author", "coauthor@example.org"):
        assert hidden not in html
    assert 'id="bidding-closed"' not in html
    assert "disabled" not in select_of(html, 1)
    assert f'data-api="/api/editions/{bidding.slug}/bids/1/"' in html
    assert "bidding/bidding.js" in html


def test_pc_page_lists_the_levels_and_conflict_with_a_label(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any
) -> None:
    Bid.objects.create(submission=submission, user=pc_ml, level=-1)
    client.force_login(pc_ml)
    html = client.get(bids_url(bidding)).content.decode()
    control = select_of(html, 1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', control)
    assert [(value, label) for value, _, label in options] == [
        ("", "No bid"),
        ("2", "Very high"),
        ("1", "High"),
        ("0", "Neutral"),
        ("-1", "Low"),
        ("-2", "Very low"),
        ("conflict", "Conflict of interest"),
    ]
    assert [value for value, selected, _ in options if selected] == ["-1"]
    assert '<label class="visually-hidden" for="bid-1">Your bid on #1</label>' in html


def test_outside_the_phase_the_page_is_read_only_with_the_reason(
    client: Any, edition: Edition, submission: Submission, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    html = client.get(bids_url(edition)).content.decode()
    assert 'id="bidding-closed"' in html
    assert "Bidding opens at" in html
    assert " disabled" in select_of(html, 1)
    assert "Fast Sparse Attention Kernels" in html


def test_search_and_area_filter_on_the_server(client: Any, bidding: Edition, pc_ml: Any) -> None:
    add_paper(bidding, 1, title="Paged attention for LLM serving", topic="both", keywords="KV cache")
    add_paper(bidding, 2, title="Congestion control", topic="systems", keywords="Network")
    add_paper(bidding, 3, title="Flat minima of SGD", topic="ml", keywords="optimization")
    client.force_login(pc_ml)
    html = client.get(bids_url(bidding), {"q": "kv cache"}).content.decode()
    assert "Paged attention" in html
    assert "Congestion control" not in html
    html = client.get(bids_url(bidding), {"area": "ml"}).content.decode()
    assert ("Paged attention" in html, "Flat minima" in html, "Congestion control" in html) == (True, True, False)
    html = client.get(bids_url(bidding), {"keyword": "Network"}).content.decode()
    assert "Congestion control" in html
    assert "Flat minima" not in html


def test_papers_are_listed_best_match_first(client: Any, bidding: Edition, pc_ml: Any) -> None:
    for number, value in ((1, 0.1), (2, 0.7), (3, 0.3)):
        paper = add_paper(bidding, number, title=f"Paper title {number}")
        Affinity.objects.create(submission=paper, user=pc_ml, score=value)
    client.force_login(pc_ml)
    html = client.get(bids_url(bidding)).content.decode()
    assert re.findall(r'id="title-(\d+)"', html) == ["2", "3", "1"]
    assert 'id="not-matched"' not in html


def test_before_affinities_are_computed_papers_come_by_number(client: Any, bidding: Edition, pc_ml: Any) -> None:
    for number in (2, 1):
        add_paper(bidding, number, title=f"Paper title {number}")
    client.force_login(pc_ml)
    html = client.get(bids_url(bidding)).content.decode()
    assert re.findall(r'id="title-(\d+)"', html) == ["1", "2"]
    assert "The chairs have not matched papers to profiles yet" in html


def test_the_page_takes_the_same_queries_for_one_and_three_papers(
    client: Any, bidding: Edition, pc_systems: Any
) -> None:
    client.force_login(pc_systems)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(bids_url(bidding)).status_code == 200
        return len(queries)

    Bid.objects.create(submission=add_paper(bidding, 1, title="One", keywords="a, b"), user=pc_systems, level=1)
    one = count_queries()
    for number in (2, 3):
        paper = add_paper(bidding, number, title=f"Paper {number}", keywords="c")
        Affinity.objects.create(submission=paper, user=pc_systems, score=0.2)
    assert count_queries() == one


@pytest.mark.parametrize("persona", ["chair", "author", "ae_member", "outsider"])
def test_others_are_refused_the_bidding_page(
    request: pytest.FixtureRequest, client: Any, bidding: Edition, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(bids_url(bidding))
    assert response.status_code == 403
    assert "The bidding page is for the PC members and area chairs" in response.content.decode()
    assert "Fast Sparse Attention Kernels" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, bidding: Edition) -> None:
    response = client.get(bids_url(bidding))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Without JavaScript: one form per row ------------------------------------------------------


def test_a_bid_posted_without_javascript_is_saved_and_leads_back(
    client: Any, bidding: Edition, submission: Submission, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    back = bids_url(bidding) + "?q=sparse&sort=number"
    response = client.post(bids_url(bidding), {"number": 1, "level": "2", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back + "#paper-1"
    assert Bid.objects.get(user=pc_systems, submission=submission).level == 2
    html = client.get(back).content.decode()
    assert "Saved: Very high on #1." in html
    assert "selected" in select_of(html, 1).split('value="2"')[1][:10]

    client.post(bids_url(bidding), {"number": 1, "level": "", "next": back})
    assert not Bid.objects.exists()


def test_next_must_be_the_bidding_page(client: Any, bidding: Edition, submission: Submission, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    for target in ("https://evil.example/", "/admin/", "//evil.example" + bids_url(bidding)):
        response = client.post(bids_url(bidding), {"number": 1, "level": "1", "next": target})
        assert response["Location"] == bids_url(bidding) + "#paper-1"


def test_conflict_posted_without_javascript_hides_the_paper(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    client.post(bids_url(bidding), {"number": 1, "level": "conflict"})
    conflict = Conflict.objects.get(submission=submission, user=pc_ml)
    assert conflict.source == ConflictSource.PC_MEMBER
    html = client.get(bids_url(bidding)).content.decode()
    assert "you declared a conflict with #1" in html
    assert 'id="title-1"' not in html


def test_a_post_outside_the_phase_is_refused_with_the_reason(
    client: Any, edition: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    response = client.post(bids_url(edition), {"number": 1, "level": "2"}, follow=True)
    assert not Bid.objects.exists()
    assert "#1: Bidding opens at" in response.content.decode()


def test_a_bad_level_posted_is_refused(client: Any, bidding: Edition, submission: Submission, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    response = client.post(bids_url(bidding), {"number": 1, "level": "5"}, follow=True)
    assert not Bid.objects.exists()
    assert "That bid was not understood" in response.content.decode()


def test_posting_for_a_withdrawn_or_unknown_paper(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    assert client.post(bids_url(bidding), {"number": 99, "level": "1"}).status_code == 404


def test_chairs_cannot_post_bids(client: Any, bidding: Edition, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    assert client.post(bids_url(bidding), {"number": 1, "level": "1"}).status_code == 403
    assert not Bid.objects.exists()


# --- The chairs' pages -------------------------------------------------------------------------


def test_chair_sees_bids_per_member_and_per_paper(
    client: Any, bidding: Edition, submission: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    set_profile(pc_systems, keywords="sparse attention, GPU kernels")
    services.bid_set(submission=submission, user=pc_systems, level=2)
    services.bid_set(submission=submission, user=pc_ml, level=-1)
    client.force_login(chair)
    response = client.get(stats_url(bidding))
    html = response.content.decode()
    assert response.status_code == 200
    member_rows = dict(re.findall(r'<tr class="[^"]*" data-email="([^"]+)">(.*?)</tr>', html, re.DOTALL))
    assert set(member_rows) == {"sys@example.org", "ml@example.org"}
    assert "no profile" not in member_rows["sys@example.org"]
    assert "no profile" in member_rows["ml@example.org"]
    assert "Systems" in member_rows["sys@example.org"]
    paper_row = re.search(r'<tr class="([^"]*)" data-number="1">(.*?)</tr>', html, re.DOTALL)
    assert paper_row
    assert paper_row.group(1) == "few-positive"  # one positive Systems bid, none from ML: both halves give 2
    assert "Systems 1/2 · ML 0/2" in paper_row.group(2)
    assert explain_url(bidding, 1) in html
    assert "Not computed yet." in html
    assert 'id="compute-affinities"' in html


def test_chair_computes_affinities_with_the_button(
    client: Any,
    bidding: Edition,
    submission: Submission,
    chair: Any,
    pc_systems: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    set_profile(pc_systems, keywords="sparse attention kernels")
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(compute_url(bidding))
    assert response.status_code == 302
    assert response["Location"] == stats_url(bidding)
    assert Affinity.objects.get(user=pc_systems, submission=submission).score > 0
    html = client.get(stats_url(bidding)).content.decode()
    assert "Affinities are being computed" in html
    assert "1 pair stored" in html


def test_chair_sees_why_a_member_matches_a_paper(
    client: Any, bidding: Edition, submission: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    set_profile(pc_systems, keywords="sparse attention, attention kernels")
    services.affinity_compute(edition=bidding)
    client.force_login(chair)
    html = client.get(explain_url(bidding, 1)).content.decode()
    rows = re.findall(r'<tr data-email="([^"]+)"[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert [email for email, _ in rows] == ["sys@example.org", "ml@example.org"]
    assert "sparse attention" in rows[0][1]
    assert "no profile" in rows[1][1]


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "author", "ae_member", "outsider"])
def test_chair_pages_are_refused_to_others(
    request: pytest.FixtureRequest, client: Any, bidding: Edition, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for url in (stats_url(bidding), explain_url(bidding, 1)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Only the PC chairs of this edition" in response.content.decode()
    assert client.post(compute_url(bidding)).status_code == 403
    assert not Affinity.objects.exists()


def test_compute_is_post_only(client: Any, bidding: Edition, chair: Any) -> None:
    client.force_login(chair)
    assert client.get(compute_url(bidding)).status_code == 405


# --- Links from the edition's dashboard -------------------------------------------------------


def test_dashboard_links_to_bidding_and_to_the_bids(client: Any, edition: Edition, pc_systems: Any, chair: Any) -> None:
    open_bidding(edition)
    client.force_login(pc_systems)
    html = client.get(edition.get_absolute_url()).content.decode()
    assert f'href="{bids_url(edition)}">Bid on papers</a>' in html
    assert "Bidding is open." in html
    assert f'href="{bids_url(edition)}" id="my-bids">You have bid on 0 papers</a>' in html
    assert stats_url(edition) not in html
    client.force_login(chair)
    html = client.get(edition.get_absolute_url()).content.decode()
    assert f'href="{stats_url(edition)}">Bids</a>' in html
