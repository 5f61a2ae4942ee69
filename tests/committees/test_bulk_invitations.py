"""Inviting a pasted list at once (committees.bulk_invitations): everyone or nobody, every bad
line named, on the committee page and through /api/editions/<slug>/invitations/bulk/."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.bulk_invitations import BulkInvitationError, invitations_send_pasted, rows_from_text
from committees.models import Invitation, InvitationStatus
from committees.services import invitation_decline, invitation_send
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from mlsys_conf.limits import BULK_INVITATIONS_MAX
from outbox.models import Mail

pytestmark = pytest.mark.django_db

BULK = "/api/editions/mlsys2027/invitations/bulk/"
GOOD = """Ada Lovelace, ada@example.org, ML
Grace Hopper, GRACE@example.org, Systems

# a comment line
Lovelace, Barbara, barbara@example.org, sys
Edsger Dijkstra;edsger@example.org;ml
"""


def page_url(edition: Edition) -> str:
    return reverse("committees:invite_bulk", kwargs={"edition_slug": edition.slug})


def problems_of(edition: Edition, chair: Any, text: str, kind: RoleKind = RoleKind.PC_MEMBER) -> dict[int, str]:
    with pytest.raises(BulkInvitationError) as refused:
        invitations_send_pasted(edition=edition, text=text, kind=kind, by=chair)
    assert not Invitation.objects.filter(email__in=["ada@example.org", "grace@example.org"]).exists()
    return {p.line: p.reason for p in refused.value.problems}


# --- The service ----------------------------------------------------------------------------


def test_a_valid_list_invites_everyone_and_mails_each(edition: Edition, chair: Any) -> None:
    invitations = invitations_send_pasted(edition=edition, text=GOOD, kind=RoleKind.PC_MEMBER, by=chair)
    assert len(invitations) == 4
    got = {i.email: (i.name, i.area, i.kind, i.status) for i in Invitation.objects.filter(edition=edition)}
    assert got == {
        "ada@example.org": ("Ada Lovelace", Area.ML, RoleKind.PC_MEMBER, InvitationStatus.PENDING),
        "grace@example.org": ("Grace Hopper", Area.SYSTEMS, RoleKind.PC_MEMBER, InvitationStatus.PENDING),
        "barbara@example.org": ("Lovelace, Barbara", Area.SYSTEMS, RoleKind.PC_MEMBER, InvitationStatus.PENDING),
        "edsger@example.org": ("Edsger Dijkstra", Area.ML, RoleKind.PC_MEMBER, InvitationStatus.PENDING),
    }
    mailed = set(Mail.objects.values_list("to_email", flat=True))
    assert mailed == set(got)
    token = Invitation.objects.get(email="ada@example.org").token
    assert token in Mail.objects.get(to_email="ada@example.org").body


def test_one_bad_line_creates_nothing_and_names_the_line(edition: Edition, chair: Any) -> None:
    text = GOOD + "Alan Turing, alan@example, ML\n"
    problems = problems_of(edition, chair, text)
    assert list(problems) == [7]
    assert "“alan@example” is not an e-mail address" in problems[7]
    assert not Invitation.objects.exists()
    assert not Mail.objects.exists()


def test_every_bad_line_is_reported_with_its_reason(edition: Edition, chair: Any) -> None:
    text = "\n".join(
        [
            "Ada Lovelace, ada@example.org, ML",  # 1: fine
            "No Address, Systems",  # 2
            "Bad Area, bad@example.org, quantum",  # 3
            "No Area, noarea@example.org",  # 4
            "Ada Again, ADA@example.org, sys",  # 5: duplicate of 1
            "Two, a@example.org, b@example.org",  # 6
            "x" * 201 + ", long@example.org, ml",  # 7
        ]
    )
    problems = problems_of(edition, chair, text)
    assert sorted(problems) == [2, 3, 4, 5, 6, 7]
    assert "no e-mail address" in problems[2]
    assert "unknown area “quantum”" in problems[3]
    assert "no area" in problems[4]
    assert "ada@example.org is on line 1 already" in problems[5]
    assert "more than one e-mail address" in problems[6]
    assert "longer than 200" in problems[7]
    assert not Invitation.objects.exists()


def test_already_invited_or_member_is_a_bad_line(edition: Edition, chair: Any, pc_ml: Any) -> None:
    invitation_send(edition=edition, email="pending@example.org", kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    declined = invitation_send(edition=edition, email="no@example.org", kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    invitation_decline(invitation=declined)
    mails = Mail.objects.count()
    text = "P, pending@example.org, ML\nM, ml@example.org, ML\nD, no@example.org, ML\nN, new@example.org, ML"
    problems = problems_of(edition, chair, text)
    assert sorted(problems) == [1, 2]
    assert "already invited as PC member and has not answered yet" in problems[1]
    assert "ml@example.org is already PC member" in problems[2]
    assert not Invitation.objects.filter(email="new@example.org").exists()
    assert Mail.objects.count() == mails
    # Invited as another role is no clash; someone who declined may be asked again.
    invitations_send_pasted(edition=edition, text="D, no@example.org, ML", kind=RoleKind.PC_MEMBER, by=chair)
    assert Invitation.objects.get(email="no@example.org").status == InvitationStatus.PENDING


def test_roles_without_a_half_need_no_area(edition: Edition, chair: Any) -> None:
    text = "Ann Artifact, ann@example.org\nBob, bob@example.org, ml"
    invitations_send_pasted(edition=edition, text=text, kind=RoleKind.AE_MEMBER, by=chair)
    assert set(Invitation.objects.values_list("email", "kind", "area")) == {
        ("ann@example.org", RoleKind.AE_MEMBER, ""),
        ("bob@example.org", RoleKind.AE_MEMBER, ""),
    }


def test_the_number_of_people_is_capped(edition: Edition, chair: Any) -> None:
    text = "\n".join(f"P{n}, p{n}@example.org, ML" for n in range(BULK_INVITATIONS_MAX + 1))
    with pytest.raises(ValidationError, match=f"at most {BULK_INVITATIONS_MAX} people"):
        invitations_send_pasted(edition=edition, text=text, kind=RoleKind.PC_MEMBER, by=chair)
    assert not Invitation.objects.exists()


def test_an_empty_list_is_refused(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError, match="empty"):
        invitations_send_pasted(edition=edition, text="\n# nobody\n", kind=RoleKind.PC_MEMBER, by=chair)


def test_only_chairs_invite_in_bulk(edition: Edition, pc_ml: Any) -> None:
    with pytest.raises(Exception, match="Only the PC chairs"):
        invitations_send_pasted(edition=edition, text=GOOD, kind=RoleKind.PC_MEMBER, by=pc_ml)
    assert not Invitation.objects.exists()


def test_a_refusal_midway_undoes_the_whole_batch(edition: Edition, chair: Any, monkeypatch: Any) -> None:
    from committees import services

    real = services.invitation_send

    def refuse_the_third(**kwargs: Any) -> Invitation:
        if kwargs["email"] == "barbara@example.org":
            raise ValidationError("Invited a moment ago by another chair.")
        return real(**kwargs)

    monkeypatch.setattr(services, "invitation_send", refuse_the_third)
    problems = problems_of(edition, chair, GOOD)
    assert problems == {5: "Invited a moment ago by another chair."}
    assert not Invitation.objects.exists()
    assert not Mail.objects.exists()


def test_line_numbers_count_every_line() -> None:
    rows, problems = rows_from_text("\n\nA, a@example.org, ML\n  \nbroken line\n")
    assert [r.line for r in rows] == [3]
    assert [p.line for p in problems] == [5]


# --- The committee page ---------------------------------------------------------------------


def test_the_page_invites_and_says_how_many(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(page_url(edition), {"bulk-people": GOOD, "bulk-kind": RoleKind.PC_MEMBER}, follow=True)
    assert response.status_code == 200
    assert "Invited 4 people as PC member" in response.content.decode()
    assert Invitation.objects.filter(edition=edition).count() == 4
    assert Mail.objects.count() == 4


def test_the_page_keeps_the_text_and_names_the_bad_lines(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    text = GOOD + "Alan Turing, alan@example.org, robotics\n"
    response = client.post(page_url(edition), {"bulk-people": text, "bulk-kind": RoleKind.PC_MEMBER})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Nobody was invited: 1 line(s) to fix first." in page
    assert "Line 7: unknown area “robotics”" in page
    assert "Alan Turing, alan@example.org, robotics" in page  # the pasted text, still in the form
    assert 'id="invite-many" open' in page
    assert not Invitation.objects.exists()


def test_the_committee_page_shows_the_bulk_form(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    page = client.get(reverse("committees:committee", kwargs={"edition_slug": edition.slug})).content.decode()
    assert 'id="bulk-form"' in page
    assert 'name="bulk-people"' in page
    assert '<option value="pc_member" selected>' in page


def test_a_pc_member_cannot_use_the_page(client: Any, edition: Edition, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    response = client.post(page_url(edition), {"bulk-people": GOOD, "bulk-kind": RoleKind.PC_MEMBER})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- The API --------------------------------------------------------------------------------


def test_api_invites_a_list(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    invitees = [
        {"name": "Ada", "email": "ada@example.org", "area": "ML"},
        {"name": "Grace", "email": "grace@example.org", "area": "sys"},
    ]
    response = client.post(BULK, {"invitees": invitees}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["invited"] == 2
    assert {i["email"]: i["area"] for i in body["invitations"]} == {
        "ada@example.org": "ml",
        "grace@example.org": "systems",
    }
    assert Mail.objects.count() == 2


def test_api_refuses_the_whole_list_naming_each_item(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    invitees = [
        {"name": "Ada", "email": "ada@example.org", "area": "ML"},
        {"name": "Ada", "email": "ada@example.org", "area": "ML"},
        {"name": "Nobody", "email": "nobody", "area": "ML"},
    ]
    response = client.post(BULK, {"invitees": invitees, "kind": "area_chair"}, content_type="application/json")
    assert response.status_code == 400
    assert [line["line"] for line in response.json()["lines"]] == [2, 3]
    assert not Invitation.objects.exists()


def test_api_takes_the_pasted_text(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(BULK, {"text": GOOD, "kind": "pc_member"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["invited"] == 4


def test_api_needs_one_of_list_or_text_and_caps_the_list(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    assert client.post(BULK, {}, content_type="application/json").status_code == 400
    both = {"text": GOOD, "invitees": []}
    assert client.post(BULK, both, content_type="application/json").status_code == 400
    many = [{"email": f"p{n}@example.org", "area": "ml"} for n in range(BULK_INVITATIONS_MAX + 1)]
    response = client.post(BULK, {"invitees": many}, content_type="application/json")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_api_is_for_chairs(client: Any, edition: Edition, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    response = client.post(BULK, {"text": GOOD}, content_type="application/json")
    assert response.status_code == 403
    assert not Invitation.objects.exists()
