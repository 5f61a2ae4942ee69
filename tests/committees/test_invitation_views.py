"""The chairs' committee page (balance, invitations, loads) and the invitee's page (accept
with an account, decline without one, clear pages for unknown, withdrawn or answered links)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Invitation, InvitationStatus
from committees.services import invitation_accept, invitation_decline, invitation_revoke, invitation_send
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from outbox.models import Mail
from tests.committees.conftest import INVITEE, age
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Only the PC chairs of this edition can change its committees."


def url(name: str, edition: Edition, **kwargs: Any) -> str:
    return reverse(f"committees:{name}", kwargs={"edition_slug": edition.slug, **kwargs})


def page_of(invitation: Invitation) -> str:
    return url("invitation", invitation.edition, token=invitation.token)


def balance_cells(html: str, kind: str, area: str) -> tuple[int, int, int]:
    """(members, pending, if all accept) of one half in the balance table."""
    row = re.search(
        rf'<tr data-kind="{kind}" data-area="{area}">.*?class="num members"[^>]*>(\d+)<'
        r'.*?class="num pending"[^>]*>(\d+)<.*?class="num projected"[^>]*>(\d+)<',
        html,
        re.DOTALL,
    )
    assert row, f"no balance row for {kind}/{area}"
    members, pending, projected = (int(n) for n in row.groups())
    return members, pending, projected


def verdict(html: str, kind: str) -> str:
    found = re.search(rf'class="badge balance-verdict (\w+)" data-kind="{kind}"', html)
    assert found
    return found.group(1)


def summary(html: str, kind: str) -> str:
    found = re.search(rf'class="balance-summary" data-kind="{kind}">(.*?)</td>', html, re.DOTALL)
    assert found
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()).replace(" :", ":").replace(" ,", ",")


def invite(edition: Edition, chair: Any, email: str, area: str, kind: RoleKind = RoleKind.PC_MEMBER) -> Invitation:
    return invitation_send(edition=edition, email=email, kind=kind, area=area, by=chair)


# --- The balance ----------------------------------------------------------------------------


def test_balance_counts_members_and_pending_invitations_apart(
    client: Any, edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.ML)
    invite(edition, chair, "a@example.org", Area.ML)
    invite(edition, chair, "b@example.org", Area.ML)
    invite(edition, chair, "c@example.org", Area.SYSTEMS, kind=RoleKind.AREA_CHAIR)
    invitation_decline(invitation=invite(edition, chair, "d@example.org", Area.ML))  # answered: not counted
    client.force_login(chair)
    html = client.get(url("committee", edition)).content.decode()

    assert balance_cells(html, "pc_member", "systems") == (2, 0, 2)
    assert balance_cells(html, "pc_member", "ml") == (1, 2, 3)
    assert balance_cells(html, "area_chair", "systems") == (0, 1, 1)
    assert balance_cells(html, "area_chair", "ml") == (1, 0, 1)
    # 2 against 1 differs by a third of 3: uneven. Both area chairs' halves: 0 against 1.
    assert verdict(html, "pc_member") == "uneven"
    assert "2 Systems against 1 ML: the halves differ by more than 10% of both together." in summary(html, "pc_member")
    assert "If everyone invited accepts: 2 Systems against 3 ML, uneven." in summary(html, "pc_member")
    assert verdict(html, "area_chair") == "uneven"
    assert "2 Systems" in html  # the summary line


def test_balance_is_even_within_ten_percent(client: Any, edition: Edition, chair: Any) -> None:
    for _ in range(11):
        RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    for _ in range(9):
        RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.ML)
    client.force_login(chair)
    html = client.get(url("committee", edition)).content.decode()
    assert balance_cells(html, "pc_member", "systems")[0] == 11
    assert verdict(html, "pc_member") == "even"
    assert summary(html, "pc_member") == "Even 11 Systems against 9 ML."

    for n in range(3):
        invite(edition, chair, f"sys{n}@example.org", Area.SYSTEMS)
    html = client.get(url("committee", edition)).content.decode()
    assert verdict(html, "pc_member") == "even"
    assert "If everyone invited accepts: 14 Systems against 9 ML, uneven." in summary(html, "pc_member")


def test_accepting_moves_a_person_from_pending_to_members(
    client: Any, edition: Edition, chair: Any, pc_ml: Any, invitation: Invitation, invitee: Any
) -> None:
    client.force_login(chair)
    assert balance_cells(client.get(url("committee", edition)).content.decode(), "pc_member", "ml") == (1, 1, 2)
    invitation_accept(invitation=invitation, user=invitee)
    assert balance_cells(client.get(url("committee", edition)).content.decode(), "pc_member", "ml") == (2, 0, 2)


# --- Who has not answered -------------------------------------------------------------------


def test_the_page_lists_who_has_not_answered_and_when_reminded(
    client: Any, edition: Edition, chair: Any, invitation: Invitation
) -> None:
    reminded = invite(edition, chair, "reminded@example.org", Area.SYSTEMS)
    now = age(reminded, days=5, reminded_days_ago=1)
    Invitation.objects.filter(pk=reminded.pk).update(reminder_count=1)
    declined = invite(edition, chair, "declined@example.org", Area.SYSTEMS)
    invitation_decline(invitation=declined, reason="On parental leave.")
    client.force_login(chair)
    html = client.get(url("committee", edition)).content.decode()

    pending = html.split('id="pending-invitations"')[1].split("</table>")[0]
    assert "Not answered yet (2)" in html
    assert INVITEE in pending
    assert "Ines Invitee" in pending
    assert "reminded@example.org" in pending
    assert "declined@example.org" not in pending
    row = pending.split('data-email="reminded@example.org"')[1].split("</tr>")[0]
    last = now - timedelta(days=1)
    assert f"{last.astimezone(edition.zone):%b %Y}" in row
    assert "(1 reminder)" in row
    assert "never" in pending.split(f'data-email="{INVITEE}"')[1].split("</tr>")[0]

    answered = html.split('id="answered-invitations"')[1].split("</table>")[0]
    assert "declined@example.org" in answered
    assert "On parental leave." in answered
    assert "Invite again" in answered


def test_accepting_from_another_address_is_shown(
    client: Any, edition: Edition, chair: Any, invitation: Invitation, outsider: Any
) -> None:
    invitation_accept(invitation=invitation, user=outsider)
    client.force_login(chair)
    html = client.get(url("committee", edition)).content.decode()
    answered = html.split('id="answered-invitations"')[1].split("</table>")[0]
    assert "Accepted" in answered
    assert "as outsider@example.org" in answered


def test_the_page_asks_a_fixed_number_of_queries(client: Any, edition: Edition, chair: Any) -> None:
    """No query per invitation or member (1 and 3 of each)."""
    client.force_login(chair)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("committee", edition)).status_code == 200
        return len(captured)

    invitation_decline(invitation=invite(edition, chair, "x0@example.org", Area.ML))
    invite(edition, chair, "p0@example.org", Area.ML)
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.ML)
    one = queries()
    for n in (1, 2):
        invitation_decline(invitation=invite(edition, chair, f"x{n}@example.org", Area.ML))
        invite(edition, chair, f"p{n}@example.org", Area.SYSTEMS)
        RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    assert queries() == one


# --- The chairs' actions --------------------------------------------------------------------


def test_chair_invites_from_the_page(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(
        url("invite", edition),
        {
            "invite-email": "new@example.org",
            "invite-name": "Nora New",
            "invite-kind": "pc_member",
            "invite-area": "ml",
            "invite-max_load": "9",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("committee", edition)
    invitation = Invitation.objects.get(edition=edition, email="new@example.org")
    assert (invitation.kind, invitation.area, invitation.max_load, invitation.name) == (
        "pc_member",
        "ml",
        9,
        "Nora New",
    )
    assert Mail.objects.get(to_email="new@example.org").dedupe_key == f"committee-invitation:{invitation.token}"
    html = client.get(response["Location"]).content.decode()
    assert "Invited new@example.org as PC member (ML); the link is on its way." in html


def test_inviting_again_while_pending_says_so(
    client: Any, edition: Edition, chair: Any, invitation: Invitation
) -> None:
    client.force_login(chair)
    response = client.post(
        url("invite", edition),
        {"invite-email": INVITEE, "invite-kind": "pc_member", "invite-area": "ml"},
        follow=True,
    )
    assert "was already invited as PC member (ML) and has not answered yet" in response.content.decode()
    assert Mail.objects.filter(to_email=INVITEE).count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"invite-kind": "pc_member", "invite-area": ""},
            "PC members and area chairs belong to the Systems or the ML half.",
        ),
        ({"invite-kind": "pc_member", "invite-area": "ml", "invite-max_load": "501"}, "less than or equal to 500"),
        ({"invite-kind": "pc_member", "invite-area": "ml", "invite-email": "nope"}, "Enter a valid email address."),
        ({"invite-kind": "pc_member", "invite-area": "ml", "invite-email": "ml@example.org"}, "is already PC member"),
    ],
)
def test_a_bad_invitation_is_explained_on_the_form(
    client: Any, edition: Edition, chair: Any, pc_ml: Any, data: dict[str, str], error: str
) -> None:
    client.force_login(chair)
    response = client.post(url("invite", edition), {"invite-email": "new@example.org", **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Mail.objects.exists()


def test_chair_resends_an_invitation(client: Any, edition: Edition, chair: Any, invitation: Invitation) -> None:
    age(invitation, days=1)
    client.force_login(chair)
    response = client.post(url("invitation_resend", edition, invitation_id=invitation.pk), follow=True)
    assert "The invitation went to invitee@example.org again." in response.content.decode()
    assert Mail.objects.filter(to_email=INVITEE).count() == 2
    response = client.post(url("invitation_resend", edition, invitation_id=invitation.pk), follow=True)
    assert "a few minutes ago; wait before sending another" in response.content.decode()
    assert Mail.objects.filter(to_email=INVITEE).count() == 2


def test_chair_withdraws_an_invitation(client: Any, edition: Edition, chair: Any, invitation: Invitation) -> None:
    client.force_login(chair)
    response = client.post(url("invitation_revoke", edition, invitation_id=invitation.pk), follow=True)
    assert "its link no longer works" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.REVOKED
    assert client.get(page_of(invitation)).status_code == 404


def test_withdrawing_an_accepted_invitation_is_explained(
    client: Any, edition: Edition, chair: Any, invitation: Invitation, invitee: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    client.force_login(chair)
    response = client.post(url("invitation_revoke", edition, invitation_id=invitation.pk), follow=True)
    assert "remove their role from the committee instead" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_chair_sets_a_members_load(client: Any, edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    response = client.post(url("role_load", edition, role_id=role.pk), {"max_load": "15", "min_load": "3"}, follow=True)
    assert f"{pc_ml.display_name} reviews 3 to 15 papers." in response.content.decode()
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (3, 15)
    assert 'name="max_load" min="0" max="500" value="15"' in response.content.decode()

    response = client.post(url("role_load", edition, role_id=role.pk), {"max_load": "", "min_load": ""}, follow=True)
    assert f"{pc_ml.display_name} reviews 0 to 12 papers." in response.content.decode()
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (None, None)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"max_load": "501"}, "Maximum load: Ensure this value is less than or equal to 500."),
        ({"max_load": "4", "min_load": "5"}, "The minimum load (5) is above the maximum load (4)."),
    ],
)
def test_a_bad_load_is_explained(
    client: Any, edition: Edition, chair: Any, pc_ml: Any, data: dict[str, str], error: str
) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    client.force_login(chair)
    html = client.post(url("role_load", edition, role_id=role.pk), data, follow=True).content.decode()
    assert f"The load of {pc_ml.display_name} is unchanged." in html
    assert error in html
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (None, None)


@pytest.mark.parametrize("persona", ["pc_ml", "ae_member", "outsider", "invitee"])
def test_others_are_refused_every_chair_action_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, chair: Any, invitation: Invitation, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    role = Role.objects.get(edition=edition, user=chair)
    age(invitation, days=1)
    attempts = [
        client.get(url("committee", edition)),
        client.post(url("invite", edition), {"invite-email": "x@example.org", "invite-kind": "ae_member"}),
        client.post(url("invitation_resend", edition, invitation_id=invitation.pk)),
        client.post(url("invitation_revoke", edition, invitation_id=invitation.pk)),
        client.post(url("role_load", edition, role_id=role.pk), {"max_load": "1"}),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert REFUSAL in response.content.decode()
    assert Invitation.objects.get().status == InvitationStatus.PENDING
    assert Mail.objects.count() == 1
    assert Role.objects.get(pk=role.pk).max_load is None


def test_an_invitation_of_another_edition_is_not_found(
    client: Any, edition: Edition, chair: Any, admin_user: Any
) -> None:
    other = EditionFactory()
    foreign = invitation_send(edition=other, email="f@example.org", kind=RoleKind.AE_MEMBER, by=admin_user)
    client.force_login(chair)
    assert client.post(url("invitation_revoke", edition, invitation_id=foreign.pk)).status_code == 404
    assert Invitation.objects.get(pk=foreign.pk).status == InvitationStatus.PENDING


# --- The invitee's page ---------------------------------------------------------------------


def test_anonymous_sees_the_invitation_and_how_to_accept(client: Any, invitation: Invitation) -> None:
    page = page_of(invitation)
    response = client.get(page)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Invitation to MLSys 2027" in html
    assert '<strong id="invited-role">PC member</strong>' in html
    assert 'id="invited-area">ML</span>' in html
    assert "at most 8 papers" in html
    assert f'href="{reverse("account_login")}?next={page}"' in html.replace("%2F", "/")
    assert f'href="{reverse("account_signup")}?next={page}"' in html.replace("%2F", "/")
    assert "Decline the invitation" in html
    assert "Accept the invitation" not in html


def test_anonymous_accept_is_sent_to_sign_in_and_back(client: Any, invitation: Invitation) -> None:
    response = client.post(url("invitation_accept", invitation.edition, token=invitation.token))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={page_of(invitation)}"
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_signed_in_invitee_accepts(client: Any, invitation: Invitation, invitee: Any) -> None:
    client.force_login(invitee)
    html = client.get(page_of(invitation)).content.decode()
    assert "Accept the invitation" in html
    assert "You are signed in as" not in html
    response = client.post(url("invitation_accept", invitation.edition, token=invitation.token), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == page_of(invitation)
    assert "Welcome aboard: you are PC member (ML) of MLSys 2027." in html
    assert "You accepted this invitation on" in html
    assert "Accept the invitation" not in html
    role = Role.objects.get(edition=invitation.edition, user=invitee)
    assert (role.kind, role.area, role.max_load) == ("pc_member", "ml", 8)


def test_an_account_at_another_address_is_told_before_accepting(
    client: Any, invitation: Invitation, outsider: Any
) -> None:
    client.force_login(outsider)
    html = client.get(page_of(invitation)).content.decode()
    assert (
        "You are signed in as <strong>outsider@example.org</strong>; the invitation went to invitee@example.org" in html
    )
    client.post(url("invitation_accept", invitation.edition, token=invitation.token))
    assert Invitation.objects.get(pk=invitation.pk).user == outsider
    assert Role.objects.filter(user=outsider, kind=RoleKind.PC_MEMBER).exists()


def test_anonymous_declines_with_a_reason(client: Any, invitation: Invitation) -> None:
    response = client.post(
        url("invitation_decline", invitation.edition, token=invitation.token),
        {"reason": "Chairing another conference."},
        follow=True,
    )
    html = response.content.decode()
    assert "You declined the invitation. Thank you for letting the chairs know." in html
    assert "This invitation was declined on" in html
    invitation.refresh_from_db()
    assert (invitation.status, invitation.user, invitation.decline_reason) == (
        "declined",
        None,
        "Chairing another conference.",
    )


def test_an_answered_invitation_says_so(client: Any, invitation: Invitation, invitee: Any, outsider: Any) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    client.force_login(outsider)
    html = client.get(page_of(invitation)).content.decode()
    assert "This invitation was already accepted, on" in html
    assert "Accept the invitation" not in html
    assert "Decline the invitation" not in html
    response = client.post(url("invitation_accept", invitation.edition, token=invitation.token), follow=True)
    assert "This invitation was already accepted, on" in response.content.decode()
    assert not Role.objects.filter(user=outsider).exists()
    response = client.post(url("invitation_decline", invitation.edition, token=invitation.token), follow=True)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_an_unknown_token_is_a_clear_404(client: Any, edition: Edition, invitation: Invitation) -> None:
    for token in ("no-such-token", invitation.token[:-1]):
        response = client.get(url("invitation", edition, token=token))
        assert response.status_code == 404
        assert "No invitation has this link." in response.content.decode()
        assert client.post(url("invitation_decline", edition, token=token)).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_a_token_under_another_edition_is_not_found(client: Any, invitation: Invitation) -> None:
    other = EditionFactory()
    assert client.get(url("invitation", other, token=invitation.token)).status_code == 404


def test_a_withdrawn_token_is_a_clear_404(client: Any, invitation: Invitation, chair: Any, invitee: Any) -> None:
    invitation_revoke(invitation=invitation, by=chair)
    client.force_login(invitee)
    response = client.get(page_of(invitation))
    assert response.status_code == 404
    assert "The chairs of MLSys 2027 have withdrawn this invitation" in response.content.decode()
    assert client.post(url("invitation_accept", invitation.edition, token=invitation.token)).status_code == 404
    assert not Role.objects.filter(user=invitee).exists()


def test_the_page_of_a_hidden_edition_still_opens(client: Any, edition: Edition, invitation: Invitation) -> None:
    """Committees are built before the edition goes public: the token is enough."""
    edition.is_public = False
    edition.save()
    response = client.get(page_of(invitation))
    assert response.status_code == 200
    assert "Invitation to MLSys 2027" in response.content.decode()


def test_answers_need_a_post(client: Any, invitation: Invitation, invitee: Any) -> None:
    client.force_login(invitee)
    assert client.get(url("invitation_accept", invitation.edition, token=invitation.token)).status_code == 405
    assert client.get(url("invitation_decline", invitation.edition, token=invitation.token)).status_code == 405
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING
