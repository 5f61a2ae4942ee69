"""The committee API beyond listing roles: invitations for the chairs under
/api/editions/<slug>/invitations/, answers by token under /api/invitations/<token>/, and
members' loads by PATCH on /api/editions/<slug>/roles/<id>/."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from committees.models import Invitation, InvitationStatus
from committees.services import invitation_accept, invitation_decline, invitation_revoke, invitation_send
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from outbox.models import Mail
from tests.committees.conftest import INVITEE, age
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

INVITATIONS = "/api/editions/mlsys2027/invitations/"
ROLES = "/api/editions/mlsys2027/roles/"
REFUSAL = "Only the PC chairs of this edition can change its committees."


def token_url(invitation: Invitation, action: str = "") -> str:
    return f"/api/invitations/{invitation.token}/" + (f"{action}/" if action else "")


def post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


# --- Chairs: list, send, resend, withdraw ---------------------------------------------------


def test_chair_lists_the_invitations_of_the_edition(
    client: Any, edition: Edition, chair: Any, invitation: Invitation, outsider: Any, admin_user: Any
) -> None:
    invitation_send(edition=EditionFactory(), email="elsewhere@example.org", kind=RoleKind.AE_MEMBER, by=admin_user)
    declined = invitation_send(edition=edition, email="no@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    invitation_decline(invitation=declined, user=outsider, reason="Busy.")
    client.force_login(chair)
    response = client.get(INVITATIONS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["email"], r["status"]) for r in rows] == [(INVITEE, "pending"), ("no@example.org", "declined")]
    first, second = rows
    assert (first["kind"], first["area"], first["max_load"], first["name"]) == ("pc_member", "ml", 8, "Ines Invitee")
    assert first["answered_by"] is None
    assert first["reminder_count"] == 0
    assert (second["answered_by"], second["decline_reason"]) == ("outsider@example.org", "Busy.")
    assert "token" not in first


def test_chair_sends_an_invitation(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = post(
        client, INVITATIONS, {"email": "New@Example.org", "kind": "area_chair", "area": "systems", "max_load": 6}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["kind"], body["area"], body["max_load"], body["status"]) == (
        "new@example.org",
        "area_chair",
        "systems",
        6,
        "pending",
    )
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.edition == edition
    assert invitation.token in Mail.objects.get(to_email="new@example.org").body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "x@example.org", "kind": "pc_member"}, "area"),
        ({"email": "x@example.org", "kind": "pc_member", "area": "ml", "max_load": 501}, "max_load"),
        ({"email": "x@example.org", "kind": "pc_member", "area": "ml", "max_load": -1}, "max_load"),
        ({"email": "x@example.org", "kind": "emperor"}, "kind"),
        ({"email": "ml@example.org", "kind": "pc_member", "area": "ml"}, "email"),
    ],
)
def test_a_bad_invitation_is_a_400_naming_the_field(
    client: Any, edition: Edition, chair: Any, pc_ml: Any, data: dict[str, Any], field: str
) -> None:
    client.force_login(chair)
    response = post(client, INVITATIONS, data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_chair_withdraws_and_resends(client: Any, edition: Edition, chair: Any, invitation: Invitation) -> None:
    client.force_login(chair)
    age(invitation, days=1)
    response = post(client, f"{INVITATIONS}{invitation.pk}/resend/")
    assert response.status_code == 200
    assert response.json()["reminder_count"] == 1
    assert Mail.objects.filter(to_email=INVITEE).count() == 2

    response = post(client, f"{INVITATIONS}{invitation.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"

    response = post(client, f"{INVITATIONS}{invitation.pk}/resend/")
    assert response.status_code == 400
    assert "only an unanswered invitation can be sent again" in response.json()[0]


def test_withdrawing_an_accepted_invitation_is_a_400(
    client: Any, chair: Any, invitation: Invitation, invitee: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    client.force_login(chair)
    response = post(client, f"{INVITATIONS}{invitation.pk}/revoke/")
    assert response.status_code == 400
    assert response.json() == [
        "invitee@example.org has already accepted; remove their role from the committee instead."
    ]


def test_an_invitation_of_another_edition_is_not_found(client: Any, chair: Any, admin_user: Any) -> None:
    foreign = invitation_send(edition=EditionFactory(), email="f@example.org", kind=RoleKind.AE_MEMBER, by=admin_user)
    client.force_login(chair)
    assert client.get(f"{INVITATIONS}{foreign.pk}/").status_code == 404
    assert post(client, f"{INVITATIONS}{foreign.pk}/revoke/").status_code == 404
    assert Invitation.objects.get(pk=foreign.pk).status == InvitationStatus.PENDING


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "ae_member", "author", "outsider", "invitee"])
def test_others_are_refused_the_chairs_endpoints_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, invitation: Invitation, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    age(invitation, days=1)
    responses = [
        client.get(INVITATIONS),
        client.get(f"{INVITATIONS}{invitation.pk}/"),
        post(client, INVITATIONS, {"email": "x@example.org", "kind": "ae_member"}),
        post(client, f"{INVITATIONS}{invitation.pk}/resend/"),
        post(client, f"{INVITATIONS}{invitation.pk}/revoke/"),
    ]
    for response in responses:
        assert response.status_code == 403
        assert response.json() == {"detail": REFUSAL}
    assert Invitation.objects.get().status == InvitationStatus.PENDING
    assert Mail.objects.count() == 1


def test_anonymous_is_refused_the_chairs_endpoints(client: Any, edition: Edition, invitation: Invitation) -> None:
    assert client.get(INVITATIONS).status_code in (401, 403)
    assert post(client, f"{INVITATIONS}{invitation.pk}/revoke/").status_code in (401, 403)
    assert Invitation.objects.get().status == InvitationStatus.PENDING


# --- Invitees: by token ---------------------------------------------------------------------


def test_the_token_shows_the_invitation(client: Any, invitation: Invitation) -> None:
    response = client.get(token_url(invitation))
    assert response.status_code == 200
    body = response.json()
    assert body["edition"] == {"slug": "mlsys2027", "name": "MLSys 2027"}
    assert (body["kind"], body["area"], body["status"], body["max_load"]) == ("pc_member", "ml", "pending", 8)


def test_accepting_needs_a_signed_in_account(client: Any, invitation: Invitation) -> None:
    response = post(client, token_url(invitation, "accept"))
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Please sign in, or sign up, to accept the invitation."}
    assert Invitation.objects.get().status == InvitationStatus.PENDING


def test_a_signed_in_account_accepts_and_again_is_a_no_op(
    client: Any, edition: Edition, invitation: Invitation, outsider: Any
) -> None:
    client.force_login(outsider)
    response = post(client, token_url(invitation, "accept"))
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    role = Role.objects.get(edition=edition, user=outsider)
    assert (role.kind, role.area, role.max_load) == ("pc_member", "ml", 8)
    assert Invitation.objects.get().user == outsider

    assert post(client, token_url(invitation, "accept")).status_code == 200
    assert Role.objects.filter(edition=edition, user=outsider).count() == 1


def test_a_second_account_cannot_accept_an_accepted_invitation(
    client: Any, invitation: Invitation, invitee: Any, outsider: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    client.force_login(outsider)
    response = post(client, token_url(invitation, "accept"))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("This invitation was already accepted, on ")
    assert not Role.objects.filter(user=outsider).exists()


def test_declining_needs_only_the_token(client: Any, invitation: Invitation) -> None:
    response = post(client, token_url(invitation, "decline"), {"reason": "Not this year."})
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user, invitation.decline_reason) == ("declined", None, "Not this year.")
    response = post(client, token_url(invitation, "accept"))
    assert response.status_code in (401, 403)
    assert "declined on" in response.json()["detail"]


def test_declining_an_accepted_invitation_is_refused(
    client: Any, edition: Edition, invitation: Invitation, invitee: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    response = post(client, token_url(invitation, "decline"))
    assert response.status_code in (401, 403)
    assert response.json()["detail"].startswith("This invitation was already accepted")
    assert Role.objects.filter(edition=edition, user=invitee).exists()


def test_unknown_and_withdrawn_tokens_are_not_found(
    client: Any, chair: Any, invitation: Invitation, invitee: Any
) -> None:
    assert client.get("/api/invitations/nope/").status_code == 404
    assert post(client, "/api/invitations/nope/accept/").status_code == 404
    assert post(client, "/api/invitations/nope/decline/").status_code == 404
    invitation_revoke(invitation=invitation, by=chair)
    client.force_login(invitee)
    assert client.get(token_url(invitation)).status_code == 404
    assert post(client, token_url(invitation, "accept")).status_code == 404
    assert post(client, token_url(invitation, "decline")).status_code == 404
    assert not Role.objects.filter(user=invitee).exists()


# --- Loads ----------------------------------------------------------------------------------


def test_chair_patches_a_members_load(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.patch(f"{ROLES}{role.pk}/", {"max_load": 20, "min_load": 2}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["max_load"], response.json()["min_load"]) == (20, 2)
    # A field left out keeps its value; null is the edition's default.
    response = client.patch(f"{ROLES}{role.pk}/", {"max_load": None}, content_type="application/json")
    assert (response.json()["max_load"], response.json()["min_load"]) == (None, 2)
    role.refresh_from_db()
    assert (role.max_load, role.min_load) == (None, 2)
    rows = {r["email"]: r for r in client.get(ROLES).json()["results"]}
    assert rows["ml@example.org"]["min_load"] == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [({"max_load": 501}, "max_load"), ({"min_load": -1}, "min_load"), ({"max_load": 3, "min_load": 4}, "min_load")],
)
def test_a_bad_load_is_a_400(
    client: Any, edition: Edition, chair: Any, pc_ml: Any, data: dict[str, int], field: str
) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.patch(f"{ROLES}{role.pk}/", data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    role.refresh_from_db()
    assert (role.max_load, role.min_load) == (None, None)


@pytest.mark.parametrize("persona", ["pc_ml", "outsider"])
def test_others_cannot_patch_loads(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    role = Role.objects.get(edition=edition, user=chair)
    client.force_login(user)
    response = client.patch(f"{ROLES}{role.pk}/", {"max_load": 1}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": REFUSAL}
    assert Role.objects.get(pk=role.pk).max_load is None


def test_roles_are_not_replaced_by_put(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    assert client.put(f"{ROLES}{role.pk}/", {"max_load": 1}, content_type="application/json").status_code == 405


# --- The schema -----------------------------------------------------------------------------


def test_the_schema_documents_the_committee_endpoints(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=StringIO())
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/editions/{edition_slug}/invitations/"])
    assert "post" in paths["/api/editions/{edition_slug}/invitations/{id}/revoke/"]
    assert "post" in paths["/api/editions/{edition_slug}/invitations/{id}/resend/"]
    assert "get" in paths["/api/invitations/{token}/"]
    assert "post" in paths["/api/invitations/{token}/accept/"]
    assert "post" in paths["/api/invitations/{token}/decline/"]
    assert "patch" in paths["/api/editions/{edition_slug}/roles/{id}/"]
    assert "put" not in paths["/api/editions/{edition_slug}/roles/{id}/"]
    statuses = schema["components"]["schemas"]["InvitationStatusEnum"]["enum"]
    assert statuses == [s.value for s in InvitationStatus]


def test_area_chairs_are_invited_too(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = post(client, INVITATIONS, {"email": "ac@example.org", "kind": "area_chair", "area": Area.ML})
    assert response.status_code == 201
    assert Invitation.objects.get(email="ac@example.org").kind == RoleKind.AREA_CHAIR
