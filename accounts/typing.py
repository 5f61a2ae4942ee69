"""The signed-in user, typed: what a view may assume once Django or DRF has checked the login.

``request.user`` is ``User | AnonymousUser`` to the type checker, but services act on behalf of
a ``User``. Views behind ``@login_required`` annotate their request as
:class:`AuthenticatedHttpRequest`; API views, whose ``request`` parameter is fixed by DRF's base
classes, ask :func:`acting_user` once their permission class has let the request through.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that ``@login_required`` has let through. Only an annotation: Django still
    passes a plain ``HttpRequest``, whose ``user`` is a signed-in ``User``."""

    user: User


def acting_user(request: Request) -> User:
    """The signed-in user of an API request whose permission class requires a login
    (``IsAuthenticated`` or a policy rule that refuses anonymous users)."""
    user = request.user
    if not isinstance(user, User):  # only if a view forgot its permission class
        raise NotAuthenticated
    return user
