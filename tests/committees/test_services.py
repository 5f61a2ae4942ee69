"""Granting and revoking roles, and the role facts the policy reads (from the Access object)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts.models import User
from committees.selectors import committee_of, pc_balance, roles_of
from committees.services import role_grant, role_grant_by_email, role_revoke
from conferences.access import access_scope, forget_access
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db


# --- role_grant ----------------------------------------------------------------------------


def test_role_grant_creates_a_role(edition: Edition, chair: Any, outsider: Any) -> None:
    role = role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert (role.edition, role.user, role.kind, role.area) == (edition, outsider, "pc_member", "ml")
    assert Role.objects.filter(edition=edition, user=outsider).count() == 1


def test_role_grant_is_idempotent(edition: Edition, chair: Any, outsider: Any) -> None:
    first = role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    second = role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert first.pk == second.pk
    assert Role.objects.filter(edition=edition, user=outsider).count() == 1


def test_role_grant_again_updates_the_area(edition: Edition, chair: Any, pc_systems: Any) -> None:
    role = role_grant(edition=edition, user=pc_systems, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert Role.objects.get(pk=role.pk).area == "ml"
    assert Role.objects.filter(edition=edition, user=pc_systems).count() == 1


@pytest.mark.parametrize("kind", [RoleKind.PC_CHAIR, RoleKind.AE_CHAIR, RoleKind.AE_MEMBER])
def test_role_grant_clears_the_area_of_roles_without_one(
    edition: Edition, chair: Any, outsider: Any, kind: RoleKind
) -> None:
    role = role_grant(edition=edition, user=outsider, kind=kind, area=Area.SYSTEMS, by=chair)
    assert Role.objects.get(pk=role.pk).area == ""


@pytest.mark.parametrize("kind", [RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR])
def test_pc_role_without_area_is_refused(edition: Edition, chair: Any, outsider: Any, kind: RoleKind) -> None:
    with pytest.raises(ValidationError) as caught:
        role_grant(edition=edition, user=outsider, kind=kind, area="", by=chair)
    assert "area" in caught.value.message_dict
    assert not Role.objects.filter(user=outsider).exists()


def test_a_person_holds_several_kinds_of_role(edition: Edition, chair: Any, outsider: Any) -> None:
    role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    role_grant(edition=edition, user=outsider, kind=RoleKind.AE_MEMBER, by=chair)
    assert roles_of(outsider, edition) == {RoleKind.PC_MEMBER, RoleKind.AE_MEMBER}


def test_role_grant_forgets_cached_roles(edition: Edition, chair: Any, outsider: Any) -> None:
    assert roles_of(outsider, edition) == frozenset()
    role_grant(edition=edition, user=outsider, kind=RoleKind.AE_MEMBER, by=chair)
    assert roles_of(outsider, edition) == {RoleKind.AE_MEMBER}


# --- role_grant_by_email -------------------------------------------------------------------


def test_role_grant_by_email_finds_the_account(edition: Edition, chair: Any, outsider: Any) -> None:
    role = role_grant_by_email(
        edition=edition,
        email="  Outsider@Example.org ",
        kind=RoleKind.PC_MEMBER,
        area=Area.SYSTEMS,
        by=chair,
    )
    assert role.user == outsider


def test_role_grant_by_unknown_email_is_refused_clearly(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        role_grant_by_email(edition=edition, email="nobody@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    assert caught.value.messages == [
        "No account has verified nobody@example.org. Invite them instead: "
        "the role goes to whoever accepts with the link sent to that address."
    ]
    assert Role.objects.filter(edition=edition).count() == 1  # the chair only


def test_role_grant_by_email_uses_a_verified_secondary_address(edition: Edition, chair: Any) -> None:
    person = UserFactory(email="home@example.org")
    EmailAddress.objects.create(user=person, email="work@uni.example.edu", verified=True, primary=False)
    role = role_grant_by_email(
        edition=edition, email="WORK@uni.example.edu", kind=RoleKind.AREA_CHAIR, area=Area.ML, by=chair
    )
    assert role.user == person
    assert role.kind == "area_chair"


def test_role_grant_by_email_ignores_an_unverified_secondary_address(edition: Edition, chair: Any) -> None:
    person = UserFactory(email="home@example.org")
    EmailAddress.objects.create(user=person, email="claimed@example.org", verified=False, primary=False)
    with pytest.raises(ValidationError, match=r"No account has verified claimed@example\.org"):
        role_grant_by_email(edition=edition, email="claimed@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    assert not Role.objects.filter(user=person).exists()


def test_role_grant_by_email_validates_the_area(edition: Edition, chair: Any, outsider: Any) -> None:
    with pytest.raises(ValidationError):
        role_grant_by_email(edition=edition, email=outsider.email, kind=RoleKind.PC_MEMBER, by=chair)
    assert not Role.objects.filter(user=outsider).exists()


# --- role_revoke ---------------------------------------------------------------------------


def test_role_revoke_removes_the_role_and_the_cached_fact(edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    assert roles_of(role.user, edition) == {RoleKind.PC_MEMBER}
    role_revoke(role=role, by=chair)
    assert not Role.objects.filter(edition=edition, user=pc_ml).exists()
    assert roles_of(role.user, edition) == frozenset()


def test_role_revoke_keeps_the_other_roles(edition: Edition, chair: Any, pc_ml: Any) -> None:
    ae = role_grant(edition=edition, user=pc_ml, kind=RoleKind.AE_MEMBER, by=chair)
    role_revoke(role=ae, by=chair)
    assert list(Role.objects.filter(user=pc_ml).values_list("kind", flat=True)) == ["pc_member"]


# --- selectors -----------------------------------------------------------------------------


def test_roles_of_is_loaded_once_per_scope(edition: Edition, pc_systems: Any, django_assert_num_queries: Any) -> None:
    user = User.objects.get(pk=pc_systems.pk)
    with access_scope():
        assert roles_of(user, edition) == {RoleKind.PC_MEMBER}
        with django_assert_num_queries(0):
            assert roles_of(user, edition) == {RoleKind.PC_MEMBER}
            assert roles_of(pc_systems, edition) == {RoleKind.PC_MEMBER}  # another object, same user
        # Another edition is another fact.
        other = EditionFactory()
        assert roles_of(user, other) == frozenset()
        Role.objects.filter(user=user, edition=edition).update(kind=RoleKind.AREA_CHAIR)  # no signal
        with django_assert_num_queries(0):
            assert roles_of(user, edition) == {RoleKind.PC_MEMBER}
        forget_access(user)
        assert roles_of(user, edition) == {RoleKind.AREA_CHAIR}


def test_roles_of_anonymous_asks_nothing(edition: Edition, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert roles_of(AnonymousUser(), edition) == frozenset()


def test_pc_balance_counts_pc_members_per_half(edition: Edition, pc_systems: Any, pc_ml: Any, chair: Any) -> None:
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER)
    RoleFactory(edition=EditionFactory(), kind=RoleKind.PC_MEMBER, area=Area.ML)  # another edition
    assert pc_balance(edition) == {"Systems": 3, "ML": 1}


def test_pc_balance_of_an_empty_committee(edition: Edition) -> None:
    assert pc_balance(edition) == {"Systems": 0, "ML": 0}


def test_committee_of_filters_by_kind(edition: Edition, chair: Any, pc_systems: Any, ae_member: Any) -> None:
    assert {r.user for r in committee_of(edition)} == {chair, pc_systems, ae_member}
    assert [r.user for r in committee_of(edition, RoleKind.PC_CHAIR)] == [chair]
    assert {r.user for r in committee_of(edition, RoleKind.PC_MEMBER, RoleKind.AE_MEMBER)} == {pc_systems, ae_member}
