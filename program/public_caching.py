"""How the public program is served to thousands of readers: from the newest published version,
cached, and answered with 304 when the reader already has it.

- Pages and exports are kept in Django's cache keyed by (edition, version number, path): a new
  version has new keys, so it shows at once, and nothing needs invalidating. The query string is
  not part of the key (a visitor adding ``?x=1``, ``?x=2``… must not fill the cache); a page
  that reads it (the search) is not stored at all, and is cheap anyway: the version's snapshot is
  parsed once per process (:func:`program.public_program.published_program`).
- The public pages carry no per-user chrome (their own layout, ``program/public/base.html``:
  no account name, no messages, no form token), so one cached copy serves everybody, signed in
  or not, and the edition is resolved as for an anonymous visitor.
- ``Cache-Control: public, max-age=300``; the ETag is the version's (every page of a version
  changes together) and Last-Modified its publication time.
- Which version is the newest (and the edition's id) is itself cached for a minute, per edition
  slug, so a cached page costs no database query; publishing forgets it once its transaction
  commits (:func:`forget_newest_version`), so a new version still shows at once.
- Before the first publication every route answers a friendly 404.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from conferences.models import Edition
from program.public_program import VersionStamp, newest_version, public_edition, published_program

MAX_AGE = 300  # seconds a browser or a proxy may keep a page without asking again
STORED_FOR = 24 * 3600  # a version never changes: its pages may stay as long as memory allows
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")

ProgramView = Callable[..., HttpResponseBase]


def cache_key(edition_id: int, stamp: VersionStamp, path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    return f"program:public:{edition_id}:v{stamp.number}:{stamp.published_at.timestamp():.0f}:{digest}"


def version_etag(edition_id: int, stamp: VersionStamp) -> str:
    return f'"program-{edition_id}-v{stamp.number}"'


def not_published(request: HttpRequest, edition: Edition) -> HttpResponse:
    return render(request, "program/public/not_published.html", {"edition": edition}, status=404)


def _stored(response: HttpResponseBase) -> dict[str, Any]:
    assert isinstance(response, HttpResponse)
    return {"content": response.content, "headers": {h: response[h] for h in KEPT_HEADERS if h in response}}


def _restored(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for header, value in stored["headers"].items():
        response[header] = value
    return response


def _public_headers(response: HttpResponseBase, etag: str, stamp: VersionStamp) -> HttpResponseBase:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp.published_at.timestamp())
    return response


def public_program_view(*, store: bool = True) -> Callable[[ProgramView], Callable[..., HttpResponseBase]]:
    """Serve ``view(request, program, **kwargs)`` from the newest published version (GET and
    HEAD only). ``store``: keep the answer in the cache (not for files streamed from storage, nor
    for a page that depends on the query string)."""

    def decorate(view: ProgramView) -> Callable[..., HttpResponseBase]:
        @require_safe
        @functools.wraps(view)
        def wrapper(request: HttpRequest, edition_slug: str, **kwargs: Any) -> HttpResponseBase:
            edition_id, stamp = newest_version(edition_slug)
            if stamp is None:
                return not_published(request, public_edition(edition_slug))
            etag = version_etag(edition_id, stamp)
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=int(stamp.published_at.timestamp())
            )
            if not_modified is not None:
                return _public_headers(not_modified, etag, stamp)
            key = cache_key(edition_id, stamp, request.path)
            stored = cache.get(key) if store else None
            if stored is not None:
                return _public_headers(_restored(stored), etag, stamp)
            program = published_program(stamp)
            with timezone.override(program.zone):
                response = view(request, program, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            if response.status_code != 200:
                return response
            if store:
                cache.set(key, _stored(response), STORED_FOR)
            return _public_headers(response, etag, stamp)

        return wrapper

    return decorate
