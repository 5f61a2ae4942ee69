"""The request's scope for Access objects: each (user, edition) is loaded once per request."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponseBase

from conferences.access import Access, access_for, access_scope
from conferences.models import Edition


class AccessMiddleware:
    """Opens an :func:`conferences.access.access_scope` around the view, and offers
    ``request.access(edition)``: the signed-in user's Access in that edition."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with access_scope():
            request.access = partial(_access_of_request, request)  # type: ignore[attr-defined]
            return self.get_response(request)


def _access_of_request(request: HttpRequest, edition: Edition) -> Access:
    # request.user is read at call time: DRF authenticates tokens after the middleware ran.
    return access_for(request.user, edition)
