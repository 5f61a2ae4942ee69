"""Attacks that failed on the day of the review, kept failing through the public surface:
double-blind on every page and API answer a PC member can reach, CSRF on pages and on
session-authenticated API calls, escaping of a hostile title, deadlines to the second,
chair-only pages, and extra API fields that must change nothing (mass assignment)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import Deadline, Phase
from submissions.models import FileKind, Submission
from tests.factories.conferences import EditionFactory
from tests.factories.pdfs import make_pdf
from tests.security.matrix import entry_for, url_kwargs, walk
from tests.security.world import (
    AUTHOR_AFFILIATION,
    AUTHOR_EMAIL,
    AUTHOR_NAME,
    COAUTHOR_AFFILIATION,
    COAUTHOR_EMAIL,
    COAUTHOR_NAME,
    World,
)

pytestmark = pytest.mark.django_db

NON_AUTHORS_ON_THE_PC = ("pc_unassigned", "pc_assigned", "pc_conflicted")
NON_CHAIRS = ("outsider", "author", "coauthor", "pc_unassigned", "pc_assigned", "pc_conflicted", "ae_chair")


def _signed_in(world: World, role: str, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(world.user(role))
    return client


def _submission_api(world: World, *rest: str) -> str:
    return "/".join([f"/api/editions/{world.slug}/submissions/{world.paper.number}", *rest, ""])


# --- Double-blind: P's authors never reach a PC member who is not one of them ---------------

AUTHOR_TRACES = (
    *AUTHOR_NAME,
    *COAUTHOR_NAME,
    AUTHOR_EMAIL,
    COAUTHOR_EMAIL,
    AUTHOR_AFFILIATION,
    COAUTHOR_AFFILIATION,
    "authors-only.example",  # the authors' mail domain
)
CRAWL_LIMIT = 150
HREF = re.compile(r"""href=["']([^"'#]+)""")


def _start_pages(world: World, role: str) -> list[str]:
    """Every GET route the matrix opens to ``role`` (token links aside: those are someone
    else's credentials), plus API lists with the filters a PC member may use."""
    urls = []
    for route in walk():
        entry = entry_for(route.key)
        if entry is None or "GET" not in entry.methods or "token" in route.params:
            continue
        check = entry.methods["GET"]
        if role in check.allow and check.special.get(role) is None and route.name:
            urls.append(reverse(route.name, kwargs=url_kwargs(route, entry, world)))
    bids = f"/api/editions/{world.slug}/bids/"
    return [*urls, f"{bids}?q=sparse", f"{bids}?sort=number", f"/{world.slug}/pc/bids/?q=sparse"]


def _crawl(client: Client, start: list[str]) -> Iterator[tuple[str, str]]:
    """GET the start pages and every same-site link they lead to (no sign-out, no admin)."""
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen or "logout" in url or url.startswith("/admin/"):
            continue
        seen.add(url)
        response = client.get(url)
        text = response.getvalue().decode("utf-8", errors="replace")  # a streamed file is read to its end
        yield url, text
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in HREF.findall(text):
                parts = urlsplit(link)
                if not parts.netloc and parts.path.startswith("/"):
                    queue.append(link.replace("&amp;", "&"))


@pytest.mark.parametrize("role", NON_AUTHORS_ON_THE_PC)
def test_no_page_or_api_answer_names_the_authors_to_the_pc(world: World, role: str) -> None:
    client = _signed_in(world, role)
    pages = dict(_crawl(client, _start_pages(world, role)))
    assert len(pages) > 20, "the crawl reached too little to mean anything"
    leaks = {
        url: [trace for trace in AUTHOR_TRACES if trace.lower() in text.lower()]
        for url, text in pages.items()
        if any(trace.lower() in text.lower() for trace in AUTHOR_TRACES)
    }
    assert not leaks


def test_the_crawl_would_see_the_authors_where_they_are_shown(world: World) -> None:
    """The control: the same search finds them on the author's own page."""
    client = _signed_in(world, "chair")
    text = client.get(reverse("submissions:detail", args=[world.slug, world.paper.number])).content.decode()
    assert AUTHOR_EMAIL in text
    assert AUTHOR_AFFILIATION in text


# --- CSRF -------------------------------------------------------------------------------------


def _title(world: World) -> str:
    return Submission.objects.get(pk=world.paper.pk).title


def _edit_form(world: World) -> dict[str, Any]:
    return {
        "title": "Changed Without Consent",
        "abstract": world.paper.abstract,
        "topic": world.paper.topic,
        "keywords": "",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-0-name": world.users["author"].display_name,
        "authors-0-email": AUTHOR_EMAIL,
        "authors-0-is_contact": "on",
    }


def test_a_page_post_without_the_csrf_token_is_refused(world: World) -> None:
    client = _signed_in(world, "author", enforce_csrf_checks=True)
    url = reverse("submissions:edit", args=[world.slug, world.paper.number])
    before = _title(world)

    assert client.post(url, _edit_form(world)).status_code == 403
    assert _title(world) == before
    withdraw = reverse("submissions:withdraw", args=[world.slug, world.paper.number])
    assert client.post(withdraw).status_code == 403
    assert not Submission.objects.get(pk=world.paper.pk).is_withdrawn

    client.get(url)  # the control: with the token from the form's cookie, the same POST works
    token = client.cookies["csrftoken"].value
    assert client.post(url, {**_edit_form(world), "csrfmiddlewaretoken": token}).status_code == 302
    assert _title(world) == "Changed Without Consent"


def test_a_session_api_call_without_the_csrf_token_is_refused(world: World) -> None:
    client = _signed_in(world, "author", enforce_csrf_checks=True)
    change = {"title": "Changed Without Consent"}
    before = _title(world)

    assert client.patch(_submission_api(world), change, content_type="application/json").status_code == 403
    assert client.post(_submission_api(world, "withdraw")).status_code == 403
    me = client.patch("/api/me/", {"affiliation": "Hijacked"}, content_type="application/json")
    assert me.status_code == 403
    assert _title(world) == before
    assert not Submission.objects.get(pk=world.paper.pk).is_withdrawn

    client.get(reverse("submissions:mine", args=[world.slug]))  # the control
    token = client.cookies["csrftoken"].value
    response = client.patch(_submission_api(world), change, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert _title(world) == "Changed Without Consent"


# --- Escaping -------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize(
    ("role", "route"),
    [
        ("chair", "submissions:list"),
        ("chair", "bidding:stats"),
        ("author", "submissions:mine"),
        ("author", "submissions:detail"),
        ("pc_unassigned", "bidding:bids"),
        ("pc_unassigned", "submissions:pc_conflicts"),
    ],
)
def test_a_hostile_title_is_shown_escaped(world: World, role: str, route: str) -> None:
    Submission.objects.filter(pk=world.paper.pk).update(title=HOSTILE)
    kwargs: dict[str, Any] = {"edition_slug": world.slug}
    if route == "submissions:detail":
        kwargs["number"] = world.paper.number
    response = _signed_in(world, role).get(reverse(route, kwargs=kwargs))
    text = response.content.decode()
    assert response.status_code == 200
    assert HOSTILE not in text
    assert ESCAPED in text


# --- Deadlines to the second --------------------------------------------------------------


@contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _paper_deadline(world: World) -> datetime:
    """Moves P's paper deadline to a whole second, an hour from now, and returns it."""
    deadline = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    Deadline.objects.filter(edition=world.edition, phase=Phase.PAPER_SUBMISSION).update(closes_at=deadline)
    return deadline


def _versions(world: World) -> int:
    return world.paper.files.filter(kind=FileKind.PAPER).count()


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("paper.pdf", make_pdf(), content_type="application/pdf")


@pytest.mark.parametrize(
    ("offset", "in_time"),
    [(timedelta(seconds=-1), True), (timedelta(milliseconds=999), True), (timedelta(seconds=1), False)],
    ids=["one second before", "within the deadline's second", "one second after"],
)
def test_a_paper_upload_page_and_api_follow_the_deadline_to_the_second(
    world: World, offset: timedelta, in_time: bool
) -> None:
    deadline = _paper_deadline(world)
    client = _signed_in(world, "author")
    before = _versions(world)
    page = reverse("submissions:upload", args=[world.slug, world.paper.number, "paper"])
    with _clock(deadline + offset):
        from_page = client.post(page, {"file": _pdf()})
        from_api = client.post(_submission_api(world, "paper"), {"file": _pdf()})

    assert from_page.status_code == (302 if in_time else 403)
    assert from_api.status_code == (201 if in_time else 403)
    assert _versions(world) == before + (2 if in_time else 0)


# --- Chair-only pages -----------------------------------------------------------------------

CHAIR_PAGES = sorted(
    (route.key, route)
    for route in walk()
    if "/chair/" in f"/{route.pattern}" and (entry := entry_for(route.key)) and "GET" in entry.methods
)


@pytest.mark.parametrize("role", NON_CHAIRS)
def test_chair_pages_refuse_everyone_else(world: World, role: str) -> None:
    assert len(CHAIR_PAGES) >= 8, CHAIR_PAGES
    client = _signed_in(world, role)
    for name, route in CHAIR_PAGES:
        entry = entry_for(name)
        assert entry is not None
        response = client.get(reverse(name, kwargs=url_kwargs(route, entry, world)))
        assert response.status_code in (403, 404), f"{name} as {role}: {response.status_code}"
        assert AUTHOR_EMAIL not in response.content.decode()


# --- Mass assignment: extra fields change nothing -----------------------------------------


def test_extra_fields_in_a_submission_patch_are_ignored(world: World) -> None:
    other = EditionFactory(slug="elsewhere2027")
    paper = Submission.objects.get(pk=world.paper.pk)
    extensions_before = list(paper.extensions.values_list("phase", "until"))
    extra = {
        "number": 99,
        "edition": other.pk,
        "created_by": world.users["outsider"].pk,
        "withdrawn_at": "2020-01-01T00:00:00Z",
        "state": "accepted",
        "decision_released_at": "2020-01-01T00:00:00Z",
        "status": "accepted",
        "extended_until": "2099-01-01T00:00:00Z",
        "title": "Only The Title Changes",
    }
    response = _signed_in(world, "author").patch(_submission_api(world), extra, content_type="application/json")

    assert response.status_code == 200
    after = Submission.objects.get(pk=paper.pk)
    assert after.title == "Only The Title Changes"
    unchanged = ("number", "edition_id", "created_by_id", "withdrawn_at", "state", "decision_released_at")
    assert [getattr(after, f) for f in unchanged] == [getattr(paper, f) for f in unchanged]
    assert list(after.extensions.values_list("phase", "until")) == extensions_before


def test_extra_fields_in_a_profile_patch_are_ignored(world: World) -> None:
    outsider = world.users["outsider"]
    extra = {
        "email": "takeover@attacker.example",
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "password": "x",
        "affiliation": "Only The Affiliation Changes",
    }
    response = _signed_in(world, "outsider").patch("/api/me/", extra, content_type="application/json")

    assert response.status_code == 200
    outsider.refresh_from_db()
    assert outsider.affiliation == "Only The Affiliation Changes"
    assert (outsider.email, outsider.is_staff, outsider.is_superuser, outsider.is_active) == (
        "outsider@elsewhere.example",
        False,
        False,
        True,
    )
    assert outsider.check_password("x") is False
