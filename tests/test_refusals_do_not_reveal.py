"""Chairs' routes that name an object (a role, an invitation, a solver run, an assignment, a
paper's affinities) and the PC's bid on a paper: whoever may not use the route gets the same
answer for an object that exists as for one that does not (issue 8). The route is refused
before the id is looked up (the rule: mlsys_conf/policy.py); see
tests/submissions/test_hidden_is_not_found.py for the papers and files themselves."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assignments.models import Assignment, AssignmentRun
from committees.models import Invitation
from committees.services import invitation_send
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from submissions.models import Submission

pytestmark = pytest.mark.django_db

MISSING = 99_999
CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')

# (method, URL with {id} for the object, body, the fixture key of the object's id)
ROUTES: list[tuple[str, str, Any, str]] = [
    ("post", "/mlsys2027/chair/committee/{id}/remove/", {}, "role"),
    ("post", "/mlsys2027/chair/committee/{id}/load/", {"max_load": "1"}, "role"),
    ("post", "/mlsys2027/chair/committee/invitations/{id}/revoke/", {}, "invitation"),
    ("post", "/mlsys2027/chair/committee/invitations/{id}/resend/", {}, "invitation"),
    ("post", "/mlsys2027/chair/assignments/{id}/remove/", {}, "assignment"),
    ("get", "/mlsys2027/chair/affinity/{id}/", None, "number"),
    ("patch", "/api/editions/mlsys2027/roles/{id}/", {"max_load": 1}, "role"),
    ("delete", "/api/editions/mlsys2027/roles/{id}/", None, "role"),
    ("get", "/api/editions/mlsys2027/invitations/{id}/", None, "invitation"),
    ("post", "/api/editions/mlsys2027/invitations/{id}/resend/", None, "invitation"),
    ("post", "/api/editions/mlsys2027/invitations/{id}/revoke/", None, "invitation"),
    ("get", "/api/editions/mlsys2027/assignment-runs/{id}/", None, "run"),
    ("delete", "/api/editions/mlsys2027/assignments/{id}/", None, "assignment"),
    ("get", "/api/editions/mlsys2027/bids/{id}/", None, "number"),
    ("put", "/api/editions/mlsys2027/bids/{id}/", {"level": 1}, "number"),
]


@pytest.fixture
def ids(edition: Edition, chair: Any, pc_systems: Any, submission: Submission) -> dict[str, int]:
    invitation: Invitation = invitation_send(edition=edition, email="x@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    return {
        "role": Role.objects.get(edition=edition, user=pc_systems).pk,
        "invitation": invitation.pk,
        "run": AssignmentRun.objects.create(edition=edition, created_by=chair).pk,
        "assignment": Assignment.objects.create(submission=submission, user=pc_systems).pk,
        "number": submission.number,
    }


def _answer(client: Any, method: str, url: str, body: Any) -> tuple[int, str, bytes]:
    ask = getattr(client, method)
    if body is None:
        response = ask(url)
    elif url.startswith("/api/"):
        response = ask(url, body, content_type="application/json")
    else:
        response = ask(url, body)  # a page's form
    content = CSRF_TOKEN.sub(rb'\1"', response.content)  # masked afresh for every response
    return response.status_code, response["Content-Type"], content


@pytest.mark.parametrize("persona", ["author", "outsider", "ae_member"])
@pytest.mark.parametrize(("method", "url", "body", "key"), ROUTES)
def test_an_existing_object_answers_as_a_missing_one(
    request: pytest.FixtureRequest,
    client: Any,
    ids: dict[str, int],
    persona: str,
    method: str,
    url: str,
    body: Any,
    key: str,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    existing = _answer(client, method, url.format(id=ids[key]), body)
    missing = _answer(client, method, url.format(id=MISSING), body)
    assert existing[0] in (403, 404)
    assert existing == missing
    assert Role.objects.filter(pk=ids["role"], max_load=None).exists()
    assert Invitation.objects.filter(pk=ids["invitation"], status="pending").exists()
    assert Assignment.objects.filter(pk=ids["assignment"]).exists()


def test_pc_members_may_not_tell_the_chairs_objects_apart_either(client: Any, ids: dict[str, int], pc_ml: Any) -> None:
    client.force_login(pc_ml)
    for method, url, body, key in ROUTES:
        if "/bids/" in url:
            continue  # a PC member's own route: test_bidding's conflicted-paper tests
        assert _answer(client, method, url.format(id=ids[key]), body) == _answer(
            client, method, url.format(id=MISSING), body
        ), url
