"""The chairs' proceedings page, its status JSON and downloads, the edition page's panel, the
chair menu, and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conferences.models import Edition
from proceedings.models import Build, BuildKind, BuildStatus
from tests.proceedings.factories import Published

pytestmark = pytest.mark.django_db


def page(edition: Edition) -> str:
    return f"/{edition.slug}/proceedings/"


def api(edition: Edition, rest: str = "") -> str:
    return f"/api/editions/{edition.slug}/proceedings/builds/{rest}"


def download(client: Client, url: str) -> tuple[Any, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.fixture
def signed_in(client: Client, pc_chair: Any) -> Client:
    client.force_login(pc_chair)
    return client


def test_before_publication_the_page_says_so_and_building_is_refused(
    edition: Edition, signed_in: Client, members: Any
) -> None:
    body = signed_in.get(page(edition)).content.decode()
    assert 'id="not-published"' in body
    assert body.count("disabled") == len(BuildKind)
    response = signed_in.post(f"{page(edition)}build/", {"kind": "booklet"}, follow=True)
    assert "not published yet" in response.content.decode()
    assert not Build.objects.exists()
    assert signed_in.post(api(edition), {"kind": "booklet"}, content_type="application/json").status_code == 400


def test_a_chair_builds_follows_and_downloads(
    published: Published, signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    edition = published.edition
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"{page(edition)}build/", {"kind": "proceedings"})
    assert response.status_code == 302
    body = signed_in.get(response["Location"]).content.decode()
    assert "Full proceedings (PDF) of program version 1 is queued" in body
    build = Build.objects.get()
    assert build.status == BuildStatus.DONE
    assert f'id="build-{build.pk}"' in body
    assert f'<progress class="build-progress" value="{build.steps_total}" max="{build.steps_total}"' in body
    assert "proceedings/progress.js" in body
    assert 'id="reload"' in body
    status = signed_in.get(f"{page(edition)}builds/{build.pk}/status/")
    assert status["Cache-Control"] == "no-store"
    state = status.json()
    assert state["status"] == "done"
    assert state["percent"] == 100
    assert state["download_url"] == f"{page(edition)}builds/{build.pk}/download/"
    response, content = download(signed_in, state["download_url"])
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="mlsys2027-proceedings-v1.pdf"' in response["Content-Disposition"]
    assert content.startswith(b"%PDF")


def test_a_running_build_is_polled_and_a_failed_one_shows_its_error(published: Published, signed_in: Client) -> None:
    edition = published.edition
    queued = Build.objects.create(edition=edition, version=published.version, kind=BuildKind.ARCHIVE)
    Build.objects.filter(pk=queued.pk).update(status=BuildStatus.RUNNING, steps_done=3, steps_total=6)
    failed = Build.objects.create(
        edition=edition,
        version=published.version,
        kind=BuildKind.BOOKLET,
        status=BuildStatus.FAILED,
        error="Paper #4's final PDF could not be read; nothing was built.",
    )
    body = signed_in.get(page(edition)).content.decode()
    assert f'data-status-url="{page(edition)}builds/{queued.pk}/status/"' in body
    assert 'value="3" max="6"' in body
    assert "Paper #4&#x27;s final PDF could not be read" in body
    assert f"builds/{failed.pk}/status/" not in body  # finished: not polled
    assert signed_in.get(f"{page(edition)}builds/{failed.pk}/download/").status_code == 404
    assert signed_in.get(f"{page(edition)}builds/{queued.pk}/status/").json()["percent"] == 50


def test_other_editions_builds_are_not_found(published: Published, signed_in: Client) -> None:
    from tests.factories.conferences import EditionFactory

    other = EditionFactory()
    build = Build.objects.create(edition=other, version=published.version, kind=BuildKind.BOOKLET)
    assert signed_in.get(f"{page(published.edition)}builds/{build.pk}/status/").status_code == 404
    assert signed_in.get(api(published.edition, f"{build.pk}/")).status_code == 404


def test_pc_members_are_refused(published: Published, client: Client, members: Any) -> None:
    client.force_login(members["systems"])
    assert client.get(page(published.edition)).status_code == 403
    assert client.get(api(published.edition)).status_code == 403


def test_the_chairs_menu_and_panel_link_the_page(published: Published, signed_in: Client) -> None:
    body = signed_in.get(page(published.edition)).content.decode()
    assert f'href="{page(published.edition)}"' in body  # the chair menu
    edition_page = signed_in.get(f"/{published.edition.slug}/").content.decode()
    assert 'id="proceedings-panel"' in edition_page
    assert "version 1" in edition_page


def test_the_api_lists_requests_follows_and_downloads(
    published: Published, signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    edition = published.edition
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(api(edition), json.dumps({"kind": "archive"}), content_type="application/json")
    assert response.status_code == 202
    created = response.json()
    assert created["kind"] == "archive"
    assert created["version"] == 1
    again = signed_in.post(api(edition), {"kind": "nope"}, content_type="application/json")
    assert again.status_code == 400
    listed = signed_in.get(api(edition)).json()
    assert [b["id"] for b in listed] == [created["id"]]
    detail = signed_in.get(api(edition, f"{created['id']}/")).json()
    assert detail["status"] == "done"
    assert detail["steps_done"] == detail["steps_total"] == len(published.papers) + 2
    response, content = download(signed_in, api(edition, f"{created['id']}/download/"))
    assert response["Content-Type"] == "application/zip"
    assert 'filename="mlsys2027-archive-v1.zip"' in response["Content-Disposition"]
    assert content.startswith(b"PK")
