from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import escape

from assignments.models import Assignment
from conferences.models import Deadline, Edition, Phase
from conferences.services import EDITION_FIELDS
from tests.factories.conferences import EditionFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_home_lists_public_editions(client: Any, edition: Any) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "MLSys 2027" in response.content.decode()


def test_edition_page_shows_timeline_in_edition_zone_and_aoe(client: Any, edition: Any) -> None:
    response = client.get(edition.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Abstract registration" in html
    assert "AoE" in html
    assert ("PST" in html) or ("PDT" in html)


# --- Helpers --------------------------------------------------------------------------------

SETTINGS_REFUSAL = "Only the PC chairs of this edition can change its settings and deadlines."


def settings_url(edition: Edition) -> str:
    return reverse("conferences:settings", kwargs={"edition_slug": edition.slug})


def deadlines_url(edition: Edition) -> str:
    return reverse("conferences:deadlines", kwargs={"edition_slug": edition.slug})


def settings_form_data(edition: Edition, **changes: Any) -> dict[str, Any]:
    """What the settings form posts for ``edition`` as it is, with ``changes`` applied."""
    data = model_to_dict(edition, fields=EDITION_FIELDS)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None and v is not False}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Hidden editions and the home page ------------------------------------------------------


@pytest.fixture
def hidden(edition: Edition) -> Edition:
    edition.is_public = False
    edition.save()
    return edition


def test_hidden_edition_is_not_found_for_outsiders(client: Any, hidden: Edition, outsider: Any, pc_ml: Any) -> None:
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for user in (outsider, pc_ml):
        client.force_login(user)
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_hidden_edition_is_visible_to_its_chair(client: Any, hidden: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "MLSys 2027" in response.content.decode()


def test_home_lists_a_hidden_edition_only_for_its_chair(
    client: Any, hidden: Edition, chair: Any, outsider: Any
) -> None:
    client.force_login(outsider)
    assert "MLSys 2027" not in client.get(reverse("home")).content.decode()
    client.force_login(chair)
    assert "MLSys 2027" in client.get(reverse("home")).content.decode()


def test_unknown_edition_is_not_found(client: Any, db: Any) -> None:
    assert client.get("/mlsys1999/").status_code == 404


# --- The edition page and its dashboards ----------------------------------------------------


def test_author_dashboard_shows_their_submission_and_no_chair_panel(
    client: Any, submission: Any, author: Any, chair: Any
) -> None:
    client.force_login(author)
    html = client.get(submission.edition.get_absolute_url()).content.decode()
    assert 'id="author-panel"' in html
    assert "#1 Fast Sparse Attention Kernels" in html
    assert submission.get_absolute_url() in html
    assert "abstract only" in html
    assert 'id="chair-panel"' not in html
    assert reverse("submissions:list", kwargs={"edition_slug": "mlsys2027"}) not in html


def test_chair_dashboard_shows_the_chair_panel(
    client: Any, submission: Any, chair: Any, pc_systems: Any, pc_ml: Any, ae_member: Any
) -> None:
    client.force_login(chair)
    html = client.get(submission.edition.get_absolute_url()).content.decode()
    assert 'id="chair-panel"' in html
    assert "1 active submission." in html
    assert "PC: 1 Systems · 1 ML; AE committee: 1." in html
    assert reverse("conferences:deadlines", kwargs={"edition_slug": "mlsys2027"}) in html
    # The chair wrote nothing: their author panel is empty.
    assert "You have no submission to MLSys 2027." in html


def test_pc_member_dashboard_shows_their_role_but_not_the_chair_panel(
    client: Any, edition: Edition, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    html = client.get(edition.get_absolute_url()).content.decode()
    assert 'data-role="pc_member"' in html
    assert "Bidding opens at" in html  # when, not just "not now"
    assert ">Papers to bid on</a>" in html
    assert 'id="chair-panel"' not in html
    assert "to review" not in html


def test_pc_member_dashboard_lists_their_committed_papers_only(
    client: Any, submission: Any, pc_systems: Any, chair: Any
) -> None:
    draft = SubmissionFactory(edition=submission.edition, number=2, title="A draft assignment")
    Assignment.objects.create(submission=submission, user=pc_systems, source="manual", is_committed=True)
    Assignment.objects.create(submission=draft, user=pc_systems, source="solver")
    client.force_login(pc_systems)
    html = client.get(submission.edition.get_absolute_url()).content.decode()
    assert "Your paper to review:" in html
    assert f"#{submission.number} {escape(submission.title)}" in html
    assert "A draft assignment" not in html


def test_anonymous_sees_no_dashboard(client: Any, edition: Edition) -> None:
    html = client.get(edition.get_absolute_url()).content.decode()
    assert 'id="dashboard"' not in html
    assert reverse("account_login") in html


def test_edition_page_shows_the_current_phase(client: Any, edition: Edition) -> None:
    html = client.get(edition.get_absolute_url()).content.decode()
    assert '<strong id="current-phase">Abstract registration</strong>' in html


# --- Settings -------------------------------------------------------------------------------


def test_chair_sees_the_settings_form(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.get(settings_url(edition))
    assert response.status_code == 200
    assert 'value="America/Los_Angeles"' in response.content.decode()


def test_chair_saves_settings(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(
        settings_url(edition),
        settings_form_data(edition, venue="San Jose", page_limit=12, time_zone="Europe/Berlin"),
    )
    assert response.status_code == 302
    assert response["Location"] == settings_url(edition)
    edition.refresh_from_db()
    assert (edition.venue, edition.page_limit, edition.time_zone) == ("San Jose", 12, "Europe/Berlin")
    assert "Settings saved." in client.get(response["Location"]).content.decode()


def test_chair_hides_the_edition_and_still_sees_it(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    data = settings_form_data(edition)
    del data["is_public"]  # an unticked box is not posted
    assert client.post(settings_url(edition), data).status_code == 302
    edition.refresh_from_db()
    assert edition.is_public is False
    assert client.get(settings_url(edition)).status_code == 200


def test_invalid_settings_are_shown_not_saved(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(settings_url(edition), settings_form_data(edition, time_zone="Mars/Olympus_Mons"))
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
    edition.refresh_from_db()
    assert edition.time_zone == "America/Los_Angeles"


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "ae_member", "outsider", "author"])
@pytest.mark.parametrize("url_of", [settings_url, deadlines_url])
def test_others_are_refused_chair_pages_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, persona: str, url_of: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url_of(edition))
    assert response.status_code == 403
    assert SETTINGS_REFUSAL in response.content.decode()


def test_pc_member_cannot_post_settings(client: Any, edition: Edition, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    response = client.post(settings_url(edition), settings_form_data(edition, venue="Hijacked"))
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.venue == ""


@pytest.mark.parametrize("url_of", [settings_url, deadlines_url])
def test_anonymous_is_sent_to_sign_in_from_chair_pages(client: Any, edition: Edition, url_of: Any) -> None:
    url = url_of(edition)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("url_of", [settings_url, deadlines_url])
def test_chair_pages_of_a_hidden_edition(client: Any, hidden: Edition, chair: Any, outsider: Any, url_of: Any) -> None:
    client.force_login(outsider)
    assert client.get(url_of(hidden)).status_code == 404
    client.force_login(chair)
    assert client.get(url_of(hidden)).status_code == 200


def test_superuser_manages_any_edition(client: Any, edition: Edition, admin_user: Any) -> None:
    client.force_login(admin_user)
    assert client.get(settings_url(edition)).status_code == 200
    assert client.get(deadlines_url(edition)).status_code == 200


# --- Deadlines ------------------------------------------------------------------------------


def test_deadlines_page_shows_times_in_the_edition_zone(client: Any, edition: Edition, chair: Any) -> None:
    Deadline.objects.filter(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).update(
        closes_at=utc(2027, 3, 21, 6, 59, 59)
    )
    client.force_login(chair)
    html = client.get(deadlines_url(edition)).content.decode()
    assert 'name="abstract_closes" value="2027-03-20T23:59:59"' in html
    assert "America/Los_Angeles" in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2027-03-20T23:59:59", utc(2027, 3, 21, 6, 59, 59)),  # PDT, UTC-7
        ("2027-03-13T23:59:59", utc(2027, 3, 14, 7, 59, 59)),  # PST, UTC-8, the night before the switch
        ("2027-11-20T23:59:59", utc(2027, 11, 21, 7, 59, 59)),  # PST again
    ],
)
def test_deadlines_typed_in_the_edition_zone(
    client: Any, edition: Edition, chair: Any, typed: str, stored: datetime
) -> None:
    client.force_login(chair)
    response = client.post(deadlines_url(edition), {"abstract_closes": typed})
    assert response.status_code == 302
    assert response["Location"] == deadlines_url(edition)
    deadline = Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION)
    assert deadline.closes_at == stored
    assert deadline.opens_at is None
    assert "Deadlines saved (times in America/Los_Angeles)." in client.get(response["Location"]).content.decode()


def test_deadlines_typed_in_berlin(client: Any, admin_user: Any) -> None:
    edition = EditionFactory(slug="mlsys2030eu", time_zone="Europe/Berlin")
    client.force_login(admin_user)
    response = client.post(
        deadlines_url(edition),
        {"paper_opens": "2027-03-01T00:00:00", "paper_closes": "2027-04-01T23:59:59"},
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(edition=edition, phase=Phase.PAPER_SUBMISSION)
    assert deadline.opens_at == utc(2027, 2, 28, 23, 0, 0)  # CET, UTC+1
    assert deadline.closes_at == utc(2027, 4, 1, 21, 59, 59)  # CEST, UTC+2


def test_deadlines_form_replaces_the_whole_timeline(client: Any, edition: Edition, chair: Any) -> None:
    """Every phase is a row of the form: an empty row is a phase the edition does not have."""
    client.force_login(chair)
    response = client.post(
        deadlines_url(edition),
        {"abstract_closes": "2027-03-20T23:59:59", "paper_closes": "2027-03-27T23:59:59"},
    )
    assert response.status_code == 302
    assert set(Deadline.objects.filter(edition=edition).values_list("phase", flat=True)) == {"abstract", "paper"}


def test_deadline_opening_after_closing_is_refused_and_nothing_changes(
    client: Any, edition: Edition, chair: Any
) -> None:
    before = list(Deadline.objects.filter(edition=edition).values_list("phase", "opens_at", "closes_at"))
    client.force_login(chair)
    response = client.post(
        deadlines_url(edition),
        {
            "abstract_closes": "2027-03-20T23:59:59",
            "bidding_opens": "2027-05-01T00:00:00",
            "bidding_closes": "2027-04-01T23:59:59",
        },
    )
    assert response.status_code == 200
    assert "Bidding must open before it closes." in response.content.decode()
    assert list(Deadline.objects.filter(edition=edition).values_list("phase", "opens_at", "closes_at")) == before


def test_deadline_that_opens_needs_a_closing(client: Any, edition: Edition, chair: Any) -> None:
    before = Deadline.objects.filter(edition=edition).count()
    client.force_login(chair)
    response = client.post(deadlines_url(edition), {"bidding_opens": "2027-05-01T00:00:00"})
    assert response.status_code == 200
    assert "A phase that opens needs a deadline too." in response.content.decode()
    assert Deadline.objects.filter(edition=edition).count() == before


def test_pc_member_cannot_post_deadlines(client: Any, edition: Edition, pc_systems: Any) -> None:
    before = list(Deadline.objects.filter(edition=edition).values_list("phase", "closes_at"))
    client.force_login(pc_systems)
    response = client.post(deadlines_url(edition), {"abstract_closes": "2020-01-01T00:00:00"})
    assert response.status_code == 403
    assert SETTINGS_REFUSAL in response.content.decode()
    assert list(Deadline.objects.filter(edition=edition).values_list("phase", "closes_at")) == before


def test_the_time_zone_is_a_choice_from_the_tz_database(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    html = client.get(settings_url(edition)).content.decode()
    assert '<select name="time_zone"' in html
    assert '<option value="America/Los_Angeles" selected>America/Los Angeles</option>' in html
    assert '<option value="Asia/Kolkata">' in html


def test_the_settings_labels_are_in_proper_case(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    html = client.get(settings_url(edition)).content.decode()
    assert "ML reviewers per paper" in html
    assert "Systems reviewers per paper" in html
    assert "Ml reviewers" not in html
