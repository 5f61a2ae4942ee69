"""/api/editions/<slug>/roles/: the committee, for its chairs only."""

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Edition, Role
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

URL = "/api/editions/mlsys2027/roles/"
REFUSAL = "Only the PC chairs of this edition can change its committees."


def test_chair_lists_the_committee(
    client: Any, edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, ae_member: Any
) -> None:
    RoleFactory(edition=EditionFactory(), kind=RoleKind.PC_MEMBER, user__email="elsewhere@example.org")
    client.force_login(chair)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {(r["email"], r["kind"], r["area"]) for r in rows} == {
        ("chair@example.org", "pc_chair", ""),
        ("sys@example.org", "pc_member", "systems"),
        ("ml@example.org", "pc_member", "ml"),
        ("ae@example.org", "ae_member", ""),
    }
    assert all(r["name"] and r["id"] and r["created_at"] for r in rows)


def test_chair_adds_a_member_by_email(client: Any, edition: Edition, chair: Any, outsider: Any) -> None:
    client.force_login(chair)
    response = client.post(
        URL, {"email": "OUTSIDER@example.org", "kind": "area_chair", "area": "ml"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["kind"], body["area"]) == ("outsider@example.org", "area_chair", "ml")
    role = Role.objects.get(pk=body["id"])
    assert (role.edition, role.user) == (edition, outsider)


def test_adding_an_unknown_address_is_a_400_with_the_reason(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(URL, {"email": "nobody@example.org", "kind": "ae_member"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == [
        "No account has verified nobody@example.org. Invite them instead: "
        "the role goes to whoever accepts with the link sent to that address."
    ]
    assert Role.objects.filter(edition=edition).count() == 1


def test_adding_an_address_whose_account_is_unverified_is_a_400(client: Any, edition: Edition, chair: Any) -> None:
    squatter = UserFactory(email="famous.researcher@example.edu", verified=False)
    client.force_login(chair)
    response = client.post(
        URL, {"email": squatter.email, "kind": "area_chair", "area": "ml"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "No account has verified famous.researcher@example.edu" in response.json()[0]
    assert not Role.objects.filter(user=squatter).exists()


def test_adding_a_pc_member_without_half_is_a_400(client: Any, edition: Edition, chair: Any, outsider: Any) -> None:
    client.force_login(chair)
    response = client.post(URL, {"email": outsider.email, "kind": "pc_member"}, content_type="application/json")
    assert response.status_code == 400
    assert "area" in response.json()
    assert not Role.objects.filter(user=outsider).exists()


def test_adding_an_unknown_kind_is_a_400(client: Any, edition: Edition, chair: Any, outsider: Any) -> None:
    client.force_login(chair)
    response = client.post(URL, {"email": outsider.email, "kind": "emperor"}, content_type="application/json")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_chair_removes_a_role(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.delete(f"{URL}{role.pk}/")
    assert response.status_code == 204
    assert not Role.objects.filter(pk=role.pk).exists()


def test_role_of_another_edition_cannot_be_removed_through_this_one(client: Any, edition: Edition, chair: Any) -> None:
    foreign = RoleFactory(edition=EditionFactory(), kind=RoleKind.AE_MEMBER)
    client.force_login(chair)
    assert client.delete(f"{URL}{foreign.pk}/").status_code == 404
    assert Role.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "ae_member", "author", "outsider"])
def test_others_are_refused_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    chair_role = Role.objects.get(edition=edition, user=chair)
    client.force_login(user)

    listing = client.get(URL)
    assert listing.status_code == 403
    assert listing.json() == {"detail": REFUSAL}

    grant = client.post(URL, {"email": user.email, "kind": "pc_chair"}, content_type="application/json")
    assert grant.status_code == 403
    assert grant.json() == {"detail": REFUSAL}
    assert not Role.objects.filter(user=user, kind=RoleKind.PC_CHAIR).exists()

    removal = client.delete(f"{URL}{chair_role.pk}/")
    assert removal.status_code == 403
    assert Role.objects.filter(pk=chair_role.pk).exists()


def test_anonymous_is_refused(client: Any, edition: Edition, chair: Any) -> None:
    chair_role = Role.objects.get(edition=edition, user=chair)
    assert client.get(URL).status_code in (401, 403)
    assert client.post(URL, {"email": "x@example.org", "kind": "pc_chair"}).status_code in (401, 403)
    assert client.delete(f"{URL}{chair_role.pk}/").status_code in (401, 403)
    assert Role.objects.filter(pk=chair_role.pk).exists()


def test_roles_of_a_hidden_edition_are_not_found_for_others(
    client: Any, edition: Edition, chair: Any, pc_ml: Any
) -> None:
    edition.is_public = False
    edition.save()
    client.force_login(pc_ml)
    assert client.get(URL).status_code == 404
    client.force_login(chair)
    assert client.get(URL).status_code == 200


def test_unknown_edition_is_not_found(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    assert client.get("/api/editions/mlsys1999/roles/").status_code == 404
