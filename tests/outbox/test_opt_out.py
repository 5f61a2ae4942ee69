"""Opting out of non-essential mail: from the profile or from the signed link at the foot of an
announcement (no login); such mail is then skipped, "opted out", and essential mail still goes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from outbox.models import Mail, MailOptOut, MailStatus
from outbox.preferences import is_opted_out, unsubscribe_token
from outbox.services import mail_queue

pytestmark = pytest.mark.django_db


def queue(to: str, *, essential: bool, user: Any = None) -> Mail:
    mail = mail_queue(to_email=to, to_user=user, subject="News", body="Hello", essential=essential)
    mail.refresh_from_db()
    return mail


def test_non_essential_mail_is_skipped_for_whoever_opted_out(
    client: Any, author: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(author)
    page = reverse("mail_preferences:preference")
    assert page in client.get(reverse("accounts:profile")).content.decode()  # linked from the profile
    assert client.post(page, {"no_non_essential": "on"}).status_code == 302
    assert is_opted_out(email=author.email, user_id=author.pk)

    with django_capture_on_commit_callbacks(execute=True):
        announcement = queue(author.email, essential=False, user=author)
        decision = queue(author.email, essential=True, user=author)
        to_someone_else = queue("reader@example.org", essential=False)
    announcement.refresh_from_db()
    decision.refresh_from_db()
    to_someone_else.refresh_from_db()
    assert announcement.status == MailStatus.OPTED_OUT
    assert (decision.status, to_someone_else.status) == (MailStatus.SENT, MailStatus.SENT)
    assert sorted(m.to[0] for m in mailoutbox) == [author.email, "reader@example.org"]

    assert client.post(page, {}).status_code == 302  # back in
    assert not is_opted_out(email=author.email, user_id=author.pk)


def test_the_unsubscribe_link_needs_no_login_and_asks_before_it_acts(client: Any) -> None:
    url = reverse("mail_preferences:unsubscribe", kwargs={"signed": unsubscribe_token("Reader@Example.org")})
    assert client.get(url).status_code == 200
    assert not MailOptOut.objects.exists()  # a link scanner's GET changes nothing
    assert client.post(url).status_code == 200
    assert is_opted_out(email="reader@example.org")


def test_a_forged_link_does_nothing(client: Any) -> None:
    token = unsubscribe_token("reader@example.org")
    response = client.post(reverse("mail_preferences:unsubscribe", kwargs={"signed": token[:-2] + "xx"}))
    assert response.status_code == 404
    assert not MailOptOut.objects.exists()


def test_an_address_that_opted_out_by_link_gets_no_announcement(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    MailOptOut.objects.create(email="reader@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue("READER@example.org", essential=False)
    mail.refresh_from_db()
    assert mail.status == MailStatus.OPTED_OUT
    assert mailoutbox == []


def test_a_non_essential_mail_carries_the_unsubscribe_header(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue("reader@example.org", essential=False)
        queue("other@example.org", essential=True)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert "/profile/mail/unsubscribe/" in by_address["reader@example.org"].extra_headers["List-Unsubscribe"]
    assert "List-Unsubscribe" not in by_address["other@example.org"].extra_headers


def test_the_preference_api(client: Any, author: Any) -> None:
    client.force_login(author)
    assert client.get("/api/mail-preference/").json() == {"no_non_essential": False}
    answer = client.put("/api/mail-preference/", {"no_non_essential": True}, content_type="application/json")
    assert answer.json() == {"no_non_essential": True}
    assert is_opted_out(email=author.email, user_id=author.pk)
