"""What one viewer can observe of an edition, as one comparable snapshot: every GET route of the
permission matrix (pages, API, exports, with list variants), and every mail addressed to them.

Used by ``test_differential.py``: a snapshot taken before and after a change of a fact the viewer
may not know must be byte-identical once the parts that legitimately differ between two requests
are masked. The masks are narrow on purpose (an exact token shape in its exact place, never a
whole line), so a real difference elsewhere on the same line still shows.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse

from outbox.models import Mail
from tests.security.matrix import MATRIX, Entry, Route, url_kwargs, walk
from tests.security.world import World

# Routes whose answer does not depend on the edition's data (crawling them would only cost time);
# allauth's pages (``account_*``) are left out for the same reason.
STATIC_ROUTES = frozenset({"api:schema", "api:docs", "api:redoc", "health"})

# List endpoints and pages with query strings: each is crawled once more per variant (pagination,
# the filters a viewer can type). Keys are matrix route names.
QUERY_VARIANTS: dict[str, tuple[str, ...]] = {
    "api:submission-list": ("page=1", "page=2"),
    "api:paper-to-review-list": ("page=1",),
    "api:bidding-bids": ("page=1", "q=sparse", "status=bid", "sort=title"),
    "bidding:bids": ("page=1", "q=sparse", "q=Quixotewright", "status=bid", "keyword=sparse"),
    "submissions:list": ("q=sparse", "q=Quixotewright", "format=csv", "status=submitted", "warnings=on"),
    "actionlog:log": ("q=sparse", "paper=1", "q=review", "q=assign", "q=decision", "q=comment", "q=bid", "person=pc"),
    "api:actions": ("q=sparse", "paper=1", "q=review"),
    "decisions:dashboard": ("q=sparse", "q=Quixotewright", "sort=score", "tag=discuss", "disagreement=1"),
    "api:decision-list": ("q=sparse", "sort=score", "decision=pending"),
    "outbox:mail": ("to=pc.assigned", "to=authors-only", "status=queued", "page=1"),
    "api:mail-list": ("to=pc.assigned", "to=authors-only"),
    "reviews:progress": ("missing=1",),
    "api:review-progress": ("missing=true",),
    "api:extension-list": ("paper=1",),
}

# --- Masks: what legitimately differs between two requests for the same state -------------------

_ISO = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    # The form's CSRF token (a fresh mask per render) and the one pages hand to scripts.
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")'), r"\1<csrf>\2"),
    (re.compile(r'(name="csrf-token" content=")[A-Za-z0-9]{32,64}(")'), r"\1<csrf>\2"),
    (re.compile(r'("csrfToken": ")[A-Za-z0-9]{32,64}(")'), r"\1<csrf>\2"),
    # The key a page's upload form carries so that a retried upload is stored once (fresh per render).
    (re.compile(r'(name="idempotency_key" value=")[0-9a-f]{32}(")'), r"\1<key>\2"),
    # The Content-Security-Policy nonce of each response, where scripts and styles name it.
    (re.compile(r'(nonce=")[A-Za-z0-9+/=_-]{8,}(")'), r"\1<nonce>\2"),
    (re.compile(r"('nonce-)[A-Za-z0-9+/=_-]{8,}(')"), r"\1<nonce>\2"),
    # Moments: ISO timestamps (JSON, CSV, <time datetime>), and the ages Django's timesince writes.
    (re.compile(_ISO), "<time>"),
    (re.compile(r"\b\d+(?:\xa0|\s)(?:minute|hour|second|day)s?(?:,(?:\xa0|\s)\d+(?:\xa0|\s)\w+)?(?= ago)"), "<age>"),
)
# Response headers that differ per request by construction; every other header is compared.
SKIPPED_HEADERS = frozenset({"date", "expires", "etag", "last-modified", "set-cookie", "x-request-id"})
_MAIL_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(Message-ID: )<[^>]+>$", re.M), r"\1<id>"),
    (re.compile(r"^(Date: ).+$", re.M), r"\1<date>"),
    (re.compile(r'(boundary=)"?=+[0-9]+=+"?'), r"\1<boundary>"),
    (re.compile(r"^--=+[0-9]+=+(--)?$", re.M), r"--<boundary>\1"),
)


def mask(text: str, patterns: Iterable[tuple[re.Pattern[str], str]] = MASKS) -> str:
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


# --- The routes a viewer asks for ------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    key: str
    url: str
    api: bool


def _url(route: Route, entry: Entry, world: World) -> str:
    return reverse(route.name or route.key, kwargs=url_kwargs(route, entry, world))


def requests_for(world: World) -> list[Request]:
    """Every GET route of the matrix (but the admin's and the static ones), with its variants.
    The URLs are computed once (some of the world's objects are made when first named)."""
    found: list[Request] = []
    for route in walk():
        entry = MATRIX.get(route.key)
        skipped = route.key in STATIC_ROUTES or route.key.startswith("account_")
        if entry is None or "GET" not in entry.methods or skipped:
            continue
        url = _url(route, entry, world)
        found.append(Request(route.key, url, entry.kind == "api"))
        found.extend(
            Request(route.key, f"{url}?{query}", entry.kind == "api") for query in QUERY_VARIANTS.get(route.key, ())
        )
    return found


# --- Snapshots ---------------------------------------------------------------------------------


def body_of(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()}>"


def _headers(response: Any) -> str:
    return "\n".join(
        f"{name}: {mask(value)}"
        for name, value in sorted(response.headers.items())
        if name.lower() not in SKIPPED_HEADERS
    )


def crawl(user: Any, requests: Iterable[Request]) -> dict[str, str]:
    """The masked answer of each request, as ``user`` (status, headers, body). A route's query
    variants are asked only where its plain URL answered 200 (a refusal does not read them)."""
    client = Client()
    client.force_login(user)
    answers: dict[str, str] = {}
    plain: dict[str, int] = {}
    for request in requests:
        if "?" in request.url and plain.get(request.key) != 200:
            continue
        headers = {"HTTP_ACCEPT": "application/json"} if request.api else {}
        response = client.get(request.url, **headers)  # type: ignore[arg-type]
        if "?" not in request.url:
            plain[request.key] = response.status_code
        answers[request.url] = f"{response.status_code}\n{_headers(response)}\n\n{mask(body_of(response))}"
    return answers


def mails_to(email: str) -> dict[str, str]:
    """Every mail to ``email``: the outbox's rows (queued, held or sent) and the messages the
    mail backend received, rendered with their headers."""
    rows = Mail.objects.filter(to_email__iexact=email).order_by("created_at", "pk")
    found = {
        f"row {n}": mask(
            f"status: {row.status}\nessential: {row.essential}\nbatch: {row.batch.name if row.batch else ''}\n"
            f"subject: {row.subject}\n\n{row.body}\n\n{row.html_body}"
        )
        for n, row in enumerate(rows)
    }
    outbox = getattr(django_mail, "outbox", [])  # the test mail backend's, once a test has begun
    sent = [message for message in outbox if email.lower() in (to.lower() for to in message.to)]
    found.update(
        {f"sent {n}": mask(mask(message.message().as_string(), _MAIL_MASKS)) for n, message in enumerate(sent)}
    )
    return found


def snapshot(world: World, viewer: str, requests: Iterable[Request]) -> dict[str, str]:
    user = world.users[viewer]
    return {**crawl(user, requests), **mails_to(user.email)}


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The keys whose answers differ, each with its first differing lines."""
    found = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None or b is None:
            found.append(f"{key}: only {'after' if a is None else 'before'}")
            continue
        lines = [
            line
            for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        found.append(f"{key}:\n  " + "\n  ".join(line[:300] for line in lines[:8]))
    return found
