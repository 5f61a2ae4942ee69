"""A paper or file someone may not see answers exactly like one that does not exist (issue 8):
same status, content type and body, pages and API alike, so a PC member or an outsider
cannot count the papers or tell which have files (the rule: mlsys_conf/policy.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from submissions.models import Submission, SubmissionFile

pytestmark = pytest.mark.django_db

SLUG = "mlsys2027"
MISSING = 99
PERSONAS = ["pc_systems", "outsider", "ae_member"]

# (method, path after the paper's number, body)
PAGES: list[tuple[str, str, Any]] = [
    ("get", "", None),
    ("get", "edit/", None),
    ("post", "edit/", {"title": "Taken over"}),
    ("get", "withdraw/", None),
    ("post", "withdraw/", {}),
    ("post", "restore/", {}),
    ("post", "extension/", {"phase": "paper", "until": "2030-01-01T00:00:00"}),
    ("get", "conflicts/", None),
    ("post", "conflicts/", {"conflict": []}),
    ("post", "upload/paper/", {}),
    ("post", "upload/supplementary/", {}),
]
API: list[tuple[str, str, Any]] = [
    ("get", "", None),
    ("patch", "", {"title": "Taken over"}),
    ("get", "files/", None),
    ("get", "conflicts/", None),
    ("put", "conflicts/", []),
    ("post", "paper/", {}),
    ("post", "supplementary/", {}),
    ("post", "withdraw/", None),
]

CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')


def _answer(response: Any) -> tuple[int, str, bytes]:
    """What the caller learns. The CSRF token in a page's sign-out form is masked afresh for
    every response (two requests to the same URL differ there too), so it is blanked."""
    return response.status_code, response["Content-Type"], CSRF_TOKEN.sub(rb'\1"', response.content)


def _send(client: Any, method: str, url: str, body: Any, *, api: bool) -> Any:
    ask = getattr(client, method)
    if body is None:
        return ask(url)
    return ask(url, body, content_type="application/json") if api else ask(url, body)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "tail", "body"), PAGES)
def test_pages_of_a_hidden_paper_look_like_a_missing_one(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str, method: str, tail: str, body: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    hidden = _send(client, method, f"/{SLUG}/submissions/{submission.number}/{tail}", body, api=False)
    missing = _send(client, method, f"/{SLUG}/submissions/{MISSING}/{tail}", body, api=False)
    assert hidden.status_code == 404
    assert _answer(hidden) == _answer(missing)
    submission.refresh_from_db()
    assert (submission.title, submission.withdrawn_at) == ("Fast Sparse Attention Kernels", None)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "tail", "body"), API)
def test_the_api_answers_for_a_hidden_paper_as_for_a_missing_one(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str, method: str, tail: str, body: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    base = f"/api/editions/{SLUG}/submissions"
    hidden = _send(client, method, f"{base}/{submission.number}/{tail}", body, api=True)
    missing = _send(client, method, f"{base}/{MISSING}/{tail}", body, api=True)
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "Not found."}
    assert _answer(hidden) == _answer(missing)
    submission.refresh_from_db()
    assert (submission.title, submission.withdrawn_at) == ("Fast Sparse Attention Kernels", None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_file_looks_like_a_missing_one(
    request: pytest.FixtureRequest, client: Any, stored_paper: SubmissionFile, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    files = f"/{SLUG}/submissions/{stored_paper.submission.number}/files"
    hidden = client.get(f"{files}/{stored_paper.pk}/")
    no_such_file = client.get(f"{files}/{stored_paper.pk + 1000}/")
    no_such_paper = client.get(f"/{SLUG}/submissions/{MISSING}/files/{stored_paper.pk}/")
    assert hidden.status_code == 404
    assert _answer(hidden) == _answer(no_such_file) == _answer(no_such_paper)


def test_who_may_see_the_paper_still_gets_the_reason_for_what_they_may_not_do(
    client: Any, submission: Submission, chair: Any, author: Any
) -> None:
    """The other side of the rule: a refusal about a paper one may see keeps its 403 and
    reason (a chair does not edit the authors' text; an author does not extend a deadline)."""
    client.force_login(chair)
    edit = client.get(f"/{SLUG}/submissions/{submission.number}/edit/")
    assert edit.status_code == 403
    assert "Only the authors can change this submission." in edit.content.decode()
    client.force_login(author)
    body = {"phase": "paper", "until": "2030-01-01"}
    extension = client.post(f"/{SLUG}/submissions/{submission.number}/extension/", body)
    assert extension.status_code == 403
    assert "Only the PC chairs can extend a deadline." in extension.content.decode()
