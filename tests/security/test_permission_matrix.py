"""Every route of the URL configuration, as every role, with the answer the matrix expects
(tests/security/matrix.py). A route added without an entry in the matrix fails the suite."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.matrix import MATRIX, Check, Entry, Route, entry_for, requested, url_kwargs, walk
from tests.security.world import ROLES, World

pytestmark = pytest.mark.django_db

ALL_ROUTES = list(walk())
ROUTES = {route.key: route for route in ALL_ROUTES}
CASES = [
    pytest.param(key, method, role, id=f"{key}-{method}-{role}")
    for key in ROUTES
    if requested(key) and (entry := entry_for(key)) is not None
    for method in entry.methods
    for role in ROLES
]


def test_every_route_has_an_entry() -> None:
    missing = sorted(key for key in ROUTES if entry_for(key) is None)
    assert not missing, f"Routes with no entry in tests/security/matrix.py: {missing}"


def test_no_two_routes_share_a_name() -> None:
    """A name used twice would hide the second route from the matrix (and from reverse())."""
    assert len(ROUTES) == len(ALL_ROUTES)


def test_no_entry_names_a_missing_route() -> None:
    assert not sorted(set(MATRIX) - set(ROUTES))


def test_every_method_an_api_view_serves_has_an_entry() -> None:
    """A method added to an API view (say DELETE on a viewset) needs its own row too."""
    gaps = {}
    for key, route in ROUTES.items():
        entry, served = entry_for(key), route.served_methods()
        if entry is not None and entry.kind == "api" and served is not None and served != set(entry.methods):
            gaps[key] = {"served": sorted(served), "in the matrix": sorted(entry.methods)}
    assert not gaps


def _url(route: Route, entry: Entry, world: World) -> str:
    kwargs = url_kwargs(route, entry, world)
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = route.pattern.lstrip("^").rstrip("$")  # an unnamed admin route
    for param, value in kwargs.items():
        path = path.replace(f"<path:{param}>", str(value)).replace(f"(?P<{param}>.*)", str(value))
    return "/" + path


def _send(client: Client, entry: Entry, method: str, url: str, check: Check, world: World) -> Any:
    body = check.body(world) if callable(check.body) else check.body
    if entry.kind == "api":
        return client.generic(method, url, json.dumps(body) if body is not None else "", "application/json")
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, urlencode(body or {}), "application/x-www-form-urlencoded")


def expected(entry: Entry, check: Check, role: str) -> tuple[frozenset[int], str | None]:
    """The statuses ``role`` may get, and where a redirect must lead (None: anywhere but a
    login page)."""
    if role in check.special:
        return frozenset({check.special[role]}), None
    if role in check.allow:
        return check.ok, None
    if entry.kind == "admin":
        return frozenset({302}), reverse("admin:login")
    if role == "anonymous":
        if entry.kind == "page":
            return frozenset({302}), reverse("account_login")
        return frozenset({401, 403}), None
    return frozenset({check.refused}), None


@pytest.mark.parametrize(("key", "method", "role"), CASES)
def test_matrix(world: World, client: Client, key: str, method: str, role: str) -> None:
    route = ROUTES[key]
    entry = entry_for(key)
    assert entry is not None
    check = entry.methods[method]
    if role != "anonymous":
        client.force_login(world.user(role))
    response = _send(client, entry, method, _url(route, entry, world), check, world)
    if response.streaming:
        response.getvalue()  # read to the end: the test client then closes the file
    statuses, login = expected(entry, check, role)
    assert response.status_code in statuses, f"{method} {key} as {role}: {response.status_code}, expected {statuses}"
    if response.status_code == 302:
        location = response["Location"]
        if login:
            assert location.startswith(login), f"{method} {key} as {role}: sent to {location}, not {login}"
        else:
            assert "/login/" not in location, f"{method} {key} as {role}: sent to the login page ({location})"
