"""The chair menu: every chair page carries the same menu, defined once in
conferences.chair_menu, with the page itself marked aria-current; nobody else sees it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from conferences.chair_menu import CHAIR_MENU

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<nav class="chair-menu".*?</nav>', re.S)


def menu_of(response: Any) -> str:
    assert response.status_code == 200
    found = MENU_LINK.search(response.content.decode())
    return found.group(0) if found else ""


def urls(edition: Any) -> dict[str, str]:
    return {label: reverse(name, kwargs={"edition_slug": edition.slug}) for label, name in CHAIR_MENU}


@pytest.mark.parametrize("label", [label for label, _ in CHAIR_MENU])
def test_every_chair_page_has_the_whole_menu_with_itself_current(
    client: Any, edition: Any, chair: Any, label: str
) -> None:
    client.force_login(chair)
    links = urls(edition)
    menu = menu_of(client.get(links[label]))
    for other, url in links.items():
        assert f'href="{url}"' in menu, other
    assert re.findall(r'href="([^"]+)" aria-current="page"', menu) == [links[label]]


def test_a_page_under_a_menu_entry_marks_that_entry(client: Any, edition: Any, chair: Any) -> None:
    client.force_login(chair)
    menu = menu_of(client.get(reverse("outbox:batches", kwargs={"edition_slug": edition.slug})))
    assert re.findall(r'href="([^"]+)" aria-current="page"', menu) == [urls(edition)["Mail outbox"]]


@pytest.mark.parametrize("persona", ["pc_systems", "author", "outsider"])
def test_no_one_else_sees_the_menu(client: Any, edition: Any, persona: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert menu_of(client.get(edition.get_absolute_url())) == ""


def test_pages_outside_the_menu_have_none(client: Any, edition: Any, chair: Any) -> None:
    client.force_login(chair)
    assert menu_of(client.get(reverse("submissions:mine", kwargs={"edition_slug": edition.slug}))) == ""
