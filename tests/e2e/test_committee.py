"""Building the committee, in Chromium: a chair invites an ML PC member from the committee
page; the invitee opens the link from the mail in the outbox, signs in on the way, accepts;
the chair's page then counts them as a member of the ML half."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from committees.models import Invitation, InvitationStatus
from conferences.models import Role
from conferences.roles import RoleKind
from outbox.models import Mail
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def balance(page: Page, area: str) -> tuple[str, str]:
    row = page.locator(f"#balance tr[data-kind='pc_member'][data-area='{area}']")
    return row.locator(".members").inner_text(), row.locator(".pending").inner_text()


def test_chair_invites_and_the_invitee_accepts(
    page: Page,
    browser: Browser,
    live_server: Any,
    settings: Any,
    edition: Any,
    chair: Any,
    pc_systems: Any,
    pc_ml: Any,
) -> None:
    settings.SITE_URL = live_server.url  # the link in the mail points at this server
    invitee = UserFactory(email="grace@example.edu", first_name="Grace", last_name="Hopper")
    committee = f"{live_server.url}/{edition.slug}/chair/committee/"

    # The chair: one member in each half, even.
    page.goto(committee)
    sign_in(page, chair.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee of MLSys 2027")
    assert balance(page, "ml") == ("1", "0")
    expect(page.locator(".balance-verdict[data-kind='pc_member']")).to_have_text("Even")

    form = page.locator("#invite-form")
    form.get_by_label("E-mail").fill(invitee.email)
    form.get_by_label("Name").fill("Grace Hopper")
    form.get_by_label("Role").select_option(label="PC member")
    form.get_by_label("PC half").select_option(label="ML")
    form.get_by_label("Maximum load").fill("6")
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".message.success")).to_contain_text("Invited grace@example.edu as PC member (ML)")
    expect(page.locator("#pending-invitations")).to_contain_text("grace@example.edu")
    expect(page.locator("#pending-invitations")).to_contain_text("never")
    assert balance(page, "ml") == ("1", "1")

    # The invitee, in a browser of their own, follows the link in the mail.
    mail = Mail.objects.get(to_email=invitee.email)
    assert mail.subject == "[MLSys 2027] Invitation to serve as PC member (ML)"
    link = re.search(r"https?://\S+/invitations/[\w-]+/", mail.body)
    assert link, mail.body
    assert link.group(0).startswith(live_server.url)

    context = browser.new_context()
    try:
        theirs = context.new_page()
        theirs.goto(link.group(0))
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Invitation to MLSys 2027")
        expect(theirs.locator("#invited-role")).to_have_text("PC member")
        expect(theirs.locator("#invited-area")).to_have_text("ML")
        theirs.get_by_role("link", name="Sign in to accept").click()
        sign_in(theirs, invitee.email)
        expect(theirs).to_have_url(link.group(0))  # back on the invitation after signing in
        theirs.get_by_role("button", name="Accept the invitation").click()
        expect(theirs.locator(".message.success")).to_have_text("Welcome aboard: you are PC member (ML) of MLSys 2027.")
        expect(theirs.locator("#answer")).to_contain_text("You accepted this invitation on")
    finally:
        context.close()

    role = Role.objects.get(edition=edition, user=invitee)
    assert (role.kind, role.area, role.max_load) == (RoleKind.PC_MEMBER, "ml", 6)
    assert Invitation.objects.get(email=invitee.email).status == InvitationStatus.ACCEPTED

    # The chair's page now counts Grace as an ML member: 1 Systems against 2 ML, uneven.
    page.reload()
    assert balance(page, "ml") == ("2", "0")
    assert balance(page, "systems") == ("1", "0")
    expect(page.locator(".balance-verdict[data-kind='pc_member']")).to_have_text("Uneven")
    expect(page.locator("#pending-invitations")).to_contain_text("Everyone invited has answered.")
    expect(page.locator("#answered-invitations tr[data-email='grace@example.edu']")).to_contain_text("Accepted")
    expect(page.locator("#committee")).to_contain_text("Grace Hopper")
