"""The chairs' committee page, adding an existing account directly and removing roles: allowed
for chairs, refused with the reason for everyone else, a sign-in for anonymous visitors.
Invitations and loads are tested in test_invitation_views.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conferences.models import Edition, Role
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Only the PC chairs of this edition can change its committees."


def committee_url(edition: Edition) -> str:
    return reverse("committees:committee", kwargs={"edition_slug": edition.slug})


def add_url(edition: Edition) -> str:
    return reverse("committees:role_add", kwargs={"edition_slug": edition.slug})


def add_data(email: str, kind: str, area: str) -> dict[str, str]:
    return {"add-email": email, "add-kind": kind, "add-area": area}


def remove_url(edition: Edition, role: Role) -> str:
    return reverse("committees:role_remove", kwargs={"edition_slug": edition.slug, "role_id": role.pk})


def test_chair_sees_the_committee_and_its_balance(
    client: Any, edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, ae_member: Any
) -> None:
    client.force_login(chair)
    response = client.get(committee_url(edition))
    html = response.content.decode()
    assert response.status_code == 200
    for user in (chair, pc_systems, pc_ml, ae_member):
        assert user.email in html
    assert "1 Systems" in html
    assert "1 ML" in html


def test_chair_adds_a_pc_member(client: Any, edition: Edition, chair: Any, outsider: Any) -> None:
    client.force_login(chair)
    response = client.post(add_url(edition), add_data(outsider.email, RoleKind.PC_MEMBER, "ml"))
    assert response.status_code == 302
    assert response["Location"] == committee_url(edition)
    role = Role.objects.get(edition=edition, user=outsider)
    assert (role.kind, role.area) == ("pc_member", "ml")
    page = client.get(response["Location"]).content.decode()
    assert "is now PC member." in page


def test_chair_adding_an_unknown_address_sees_why(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(add_url(edition), add_data("nobody@example.org", RoleKind.AE_MEMBER, ""))
    assert response.status_code == 200
    assert "No account has verified nobody@example.org. Invite them instead" in response.content.decode()
    assert Role.objects.filter(edition=edition).count() == 1


def test_chair_adding_an_address_whose_account_is_unverified_binds_nothing(
    client: Any, edition: Edition, chair: Any
) -> None:
    """Someone signed up with the address but never confirmed it: maybe not its owner."""
    squatter = UserFactory(email="famous.researcher@example.edu", verified=False)
    client.force_login(chair)
    response = client.post(add_url(edition), add_data("famous.researcher@example.edu", RoleKind.PC_MEMBER, "ml"))
    assert response.status_code == 200
    assert "No account has verified famous.researcher@example.edu. Invite them instead" in response.content.decode()
    assert not Role.objects.filter(user=squatter).exists()


def test_chair_adding_a_pc_member_without_half_sees_why(
    client: Any, edition: Edition, chair: Any, outsider: Any
) -> None:
    client.force_login(chair)
    response = client.post(add_url(edition), add_data(outsider.email, RoleKind.PC_MEMBER, ""))
    assert response.status_code == 200
    assert "PC members and area chairs belong to the Systems or the ML half." in response.content.decode()
    assert not Role.objects.filter(user=outsider).exists()


def test_removing_a_role_asks_for_confirmation_first(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.post(remove_url(edition, role), follow=True)
    assert "Nothing removed: confirm that" in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()
    assert f'aria-label="Yes, remove {pc_ml.display_name} as PC member"' in response.content.decode()


def test_the_last_pc_chair_cannot_be_removed(client: Any, edition: Edition, chair: Any, admin_user: Any) -> None:
    role = Role.objects.get(edition=edition, user=chair)
    client.force_login(admin_user)  # a superuser may manage the committee without being its chair
    response = client.post(remove_url(edition, role), {"confirm": "yes"}, follow=True)
    assert "is the last PC chair; add another one first." in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()
    second = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR).user
    client.force_login(second)
    assert client.post(remove_url(edition, role), {"confirm": "yes"}).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_chair_removes_a_role(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.post(remove_url(edition, role), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == committee_url(edition)
    assert not Role.objects.filter(pk=role.pk).exists()


def test_committee_page_takes_no_post(client: Any, edition: Edition, chair: Any, outsider: Any) -> None:
    """Each action has its own address; the page itself only shows."""
    client.force_login(chair)
    response = client.post(committee_url(edition), add_data(outsider.email, RoleKind.AE_MEMBER, ""))
    assert response.status_code == 405
    assert not Role.objects.filter(user=outsider).exists()


def test_role_remove_needs_a_post(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    assert client.get(remove_url(edition, role)).status_code == 405
    assert Role.objects.filter(pk=role.pk).exists()


def test_role_of_another_edition_is_not_found(client: Any, edition: Edition, chair: Any) -> None:
    foreign = RoleFactory(edition=EditionFactory(), kind=RoleKind.AE_MEMBER)
    client.force_login(chair)
    assert client.post(remove_url(edition, foreign)).status_code == 404
    assert Role.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("persona", ["pc_systems", "ae_member", "outsider", "author"])
def test_others_are_refused_the_committee_page_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(committee_url(edition))
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()


@pytest.mark.parametrize("persona", ["pc_systems", "outsider"])
def test_others_cannot_add_or_remove_roles(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(add_url(edition), add_data(user.email, RoleKind.PC_CHAIR, ""))
    assert response.status_code == 403
    assert not Role.objects.filter(user=user, kind=RoleKind.PC_CHAIR).exists()

    chair_role = Role.objects.get(edition=edition, user=chair)
    response = client.post(remove_url(edition, chair_role))
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert Role.objects.filter(pk=chair_role.pk).exists()


def test_anonymous_is_sent_to_sign_in(client: Any, edition: Edition, chair: Any) -> None:
    url = committee_url(edition)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"

    role = Role.objects.get(edition=edition, user=chair)
    response = client.post(remove_url(edition, role))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Role.objects.filter(pk=role.pk).exists()


def test_committee_page_of_a_hidden_edition_is_not_found_for_others(
    client: Any, edition: Edition, chair: Any, pc_ml: Any
) -> None:
    edition.is_public = False
    edition.save()
    client.force_login(pc_ml)
    assert client.get(committee_url(edition)).status_code == 404
    client.force_login(chair)
    assert client.get(committee_url(edition)).status_code == 200
