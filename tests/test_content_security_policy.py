"""Every page a chair, a PC member or an author can open carries a strict
Content-Security-Policy and ``X-Content-Type-Options: nosniff`` (issue 7). The pages are not
listed by hand: every GET route of the URL configuration is tried as each of them, so a new
page is covered the day it is added."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assignments.models import Assignment, AssignmentRun
from committees.models import Invitation
from committees.services import invitation_send
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from submissions.models import Submission
from submissions.services import paper_upload
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db

# What must be in the header, whatever else the policy says.
REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
NEVER = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")
# Redoc adds style elements it cannot mark with the nonce (mlsys_conf/urls.py): that page alone
# may apply inline styles. Its scripts are as strict as everywhere else.
INLINE_STYLES_ALLOWED = "/api/redoc/"


def _routes(resolver: URLResolver | None = None, prefix: str = "", params: tuple[str, ...] = ()) -> Iterator[Any]:
    """(name, parameters) of every named route, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names = tuple(entry.pattern.regex.groupindex)  # not .converters: Django shares and updates those
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry, namespace, params + names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", params + names


def policy_of(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in header.split("; ")}


def assert_strict(response: Any, url: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert "Content-Security-Policy" in response, url
    policy = policy_of(response)
    for directive, sources in policy.items():
        allowed = {"'unsafe-inline'"} if directive == "style-src" and url == INLINE_STYLES_ALLOWED else set()
        assert not set(sources.split()) & (set(NEVER) - allowed), (url, directive, sources)
    if policy.get("default-src") == "'none'" and "sandbox" in policy:
        return  # a stored file: stricter still (nothing loads, nothing runs)
    for directive, sources in REQUIRED.items():
        assert policy.get(directive, "").startswith(sources), (url, directive, policy.get(directive))


@pytest.fixture
def world(edition: Edition, chair: Any, pc_systems: Any, author: Any, submission: Submission) -> dict[str, str | int]:
    """One of every object a route of the persona edition names."""
    file = paper_upload(submission=submission, content=make_pdf(2), filename="paper.pdf", by=author)
    invitation: Invitation = invitation_send(
        edition=edition, email="new@example.org", kind=RoleKind.AE_MEMBER, by=chair
    )
    role = Role.objects.get(edition=edition, user=pc_systems)
    run = AssignmentRun.objects.create(edition=edition, created_by=chair)
    assignment = Assignment.objects.create(submission=submission, user=pc_systems)
    return {
        "edition_slug": edition.slug,
        "slug": edition.slug,
        "number": submission.number,
        "file_id": file.pk,
        "kind": "paper",
        "role_id": role.pk,
        "invitation_id": invitation.pk,
        "token": invitation.token,
        "assignment_id": assignment.pk,
        "pk": run.pk,
    }


def _urls(world: dict[str, str | int]) -> Iterator[str]:
    for name, params in _routes():
        if name.startswith("admin:") or not set(params) <= set(world):
            continue  # the admin is staff only; a route with a key we cannot make (allauth's) is left out
        if "pk" in params and "run" not in name:
            continue  # the one pk we have is a solver run's
        yield reverse(name, kwargs={p: world[p] for p in params})


@pytest.mark.parametrize("persona", ["chair", "pc_systems", "author"])
def test_every_page_carries_a_strict_policy_and_nosniff(
    request: pytest.FixtureRequest, client: Any, world: dict[str, str | int], persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    shown = []
    for url in _urls(world):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # the test client closes a file once read to the end
        assert_strict(response, url)  # on every answer: pages, refusals, redirects and JSON alike
        if response.status_code == 200:
            shown.append(url)
    must_show = {
        "chair": ["/mlsys2027/", "/mlsys2027/chair/assignments/", "/mlsys2027/chair/committee/", "/api/docs/"],
        "pc_systems": ["/mlsys2027/pc/bids/", "/mlsys2027/pc/conflicts/", "/profile/"],
        "author": ["/mlsys2027/submissions/1/", "/mlsys2027/submissions/1/conflicts/", "/mlsys2027/submissions/"],
    }[persona]
    assert set(must_show) <= set(shown)


def test_the_api_docs_mark_their_inline_blocks_with_the_nonce_of_the_header(client: Any, db: Any) -> None:
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict(response, url)
        nonce = policy_of(response)["script-src"].split("'nonce-")[1].split("'")[0]
        html = response.content.decode()
        assert f'nonce="{nonce}"' in html
        assert "<script>" not in html  # every inline block carries the nonce
        assert "<style>" not in html
        assert "fonts.googleapis.com" not in html
    script = client.get("/api/docs/?script=")  # Swagger UI's start-up script: a file of our own
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_a_page_without_inline_blocks_gets_no_nonce(client: Any, edition: Edition) -> None:
    policy = policy_of(client.get("/mlsys2027/"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
