"""Who may see and run an edition, asked of every persona."""

from __future__ import annotations

import pytest

from conferences.models import Edition
from conferences.policy import can_manage_edition, can_view_edition
from conferences.roles import RoleKind
from mlsys_conf.policy import SIGN_IN_FIRST
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.personas import PERSONAS, others, persona_user

pytestmark = pytest.mark.django_db

CHAIRS = ("chair", "superuser")


@pytest.fixture
def hidden(edition: Edition) -> Edition:
    edition.is_public = False
    edition.save()
    return edition


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_views_a_public_edition(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_view_edition(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", CHAIRS)
def test_chairs_view_a_hidden_edition(request: pytest.FixtureRequest, hidden: Edition, persona: str) -> None:
    assert can_view_edition(persona_user(request, persona), hidden)


@pytest.mark.parametrize("persona", others(*CHAIRS))
def test_others_do_not_view_a_hidden_edition(request: pytest.FixtureRequest, hidden: Edition, persona: str) -> None:
    verdict = can_view_edition(persona_user(request, persona), hidden)
    assert not verdict
    assert verdict.reason == "This edition is not public yet."


@pytest.mark.parametrize("persona", CHAIRS)
def test_chairs_manage_the_edition(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_manage_edition(persona_user(request, persona), edition)
    assert verdict
    assert verdict.reason == ""


@pytest.mark.parametrize("persona", others(*CHAIRS, "anonymous"))
def test_others_do_not_manage_the_edition(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_manage_edition(persona_user(request, persona), edition)
    assert not verdict
    assert "Only the PC chairs" in verdict.reason


def test_anonymous_is_asked_to_sign_in(request: pytest.FixtureRequest, edition: Edition) -> None:
    verdict = can_manage_edition(persona_user(request, "anonymous"), edition)
    assert verdict == SIGN_IN_FIRST
    assert verdict.reason


def test_chair_of_another_edition_does_not_manage_this_one(edition: Edition) -> None:
    other = EditionFactory(is_public=False)
    other_chair = RoleFactory(edition=other, kind=RoleKind.PC_CHAIR).user
    assert can_manage_edition(other_chair, other)
    assert not can_manage_edition(other_chair, edition)
    assert can_view_edition(other_chair, other)
    edition.is_public = False
    edition.save()
    assert not can_view_edition(other_chair, edition)
