"""The chairs' outbox pages and API over HTTP: a held batch is previewed, edited, released once,
and the edition's templates are previewed and saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outbox.models import MailBatch, MailStatus, MailTemplate
from outbox.services import mail_batch_create, mail_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(edition: Any, chair: Any) -> MailBatch:
    batch = mail_batch_create(edition=edition, name="Decision letters", by=chair)
    for address in ("a@example.org", "b@example.org"):
        mail_queue(to_email=address, subject=f"Dear {address}", body=f"Your paper, {address}.", batch=batch)
    return batch


@pytest.fixture
def chair_client(client: Client, chair: Any) -> Client:
    client.force_login(chair)
    return client


def url(name: str, edition: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"edition_slug": edition.slug, **kwargs})


def test_the_batch_page_previews_every_mail(chair_client: Client, edition: Any, batch: MailBatch) -> None:
    page = chair_client.get(url("outbox:batch", edition, batch_id=batch.pk)).content.decode()
    for address in ("a@example.org", "b@example.org"):
        assert f"Dear {address}" in page
        assert f"Your paper, {address}." in page
    assert 'id="release"' in page


def test_releasing_twice_over_http_sends_once(
    chair_client: Client, edition: Any, batch: MailBatch, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release = url("outbox:batch_release", edition, batch_id=batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        first = chair_client.post(release, follow=True)
    assert "2 mails are being sent" in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = chair_client.post(release, follow=True)
    assert "already released" in second.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]


def test_the_api_releases_once_then_answers_400(
    chair_client: Client, edition: Any, batch: MailBatch, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release = url("api:mail-batch-release", edition, batch_id=batch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert chair_client.post(release).json() == {"mails": 2}
    again = chair_client.post(release)
    assert again.status_code == 400
    assert "already released" in again.content.decode()
    assert len(mailoutbox) == 2
    sent = chair_client.get(url("api:mail-list", edition), {"status": MailStatus.SENT}).json()
    assert sorted(m["to_email"] for m in sent["results"]) == ["a@example.org", "b@example.org"]


def test_the_api_shows_a_batch_with_its_mail(chair_client: Client, edition: Any, batch: MailBatch) -> None:
    data = chair_client.get(url("api:mail-batch-detail", edition, batch_id=batch.pk)).json()
    assert data["batch"]["status"] == "held"
    assert data["batch"]["mail_count"] == 2
    assert [m["body"] for m in data["mails"]] == ["Your paper, a@example.org.", "Your paper, b@example.org."]


def test_cancelling_over_http(
    chair_client: Client, edition: Any, batch: MailBatch, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        chair_client.post(url("outbox:batch_cancel", edition, batch_id=batch.pk))
    assert mailoutbox == []
    assert MailBatch.objects.get().status == "cancelled"


def test_editing_and_removing_over_http(
    chair_client: Client, edition: Any, batch: MailBatch, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = batch.mails.order_by("pk")
    edited = chair_client.post(
        url("outbox:mail_edit", edition, mail_id=first.pk), {"subject": "Accepted!", "body": "Congratulations."}
    )
    assert edited.status_code == 302
    chair_client.post(url("outbox:mail_remove", edition, mail_id=second.pk))
    with django_capture_on_commit_callbacks(execute=True):
        chair_client.post(url("outbox:batch_release", edition, batch_id=batch.pk))
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [(["a@example.org"], "Accepted!", "Congratulations.")]


def test_a_pc_member_is_refused_with_the_reason(
    client: Client, pc_systems: Any, edition: Any, batch: MailBatch
) -> None:
    client.force_login(pc_systems)
    response = client.post(url("outbox:batch_release", edition, batch_id=batch.pk))
    assert response.status_code == 403
    assert "Only the PC chairs of this edition handle its outgoing mail." in response.content.decode()
    assert MailBatch.objects.get().status == "held"


def test_the_mail_list_filters_by_status(chair_client: Client, edition: Any, batch: MailBatch) -> None:
    mail_queue(to_email="now@example.org", subject="Sent at once", body="x", edition=edition)
    page = chair_client.get(url("outbox:mail", edition), {"status": "held"}).content.decode()
    assert "Dear a@example.org" in page
    assert "Sent at once" not in page


def test_a_template_is_previewed_then_saved(chair_client: Client, edition: Any) -> None:
    page = url("outbox:template", edition, mail_app="bidding", mail_name="few_bids")
    shown = chair_client.get(page).content.decode()
    assert "Please bid on more papers" in shown  # the default
    preview = chair_client.post(page, {"subject": "Bid, {{ member.user.display_name }}", "body": "x", "preview": ""})
    assert "Bid, Ada Example" in preview.content.decode()
    assert not MailTemplate.objects.exists()
    saved = chair_client.post(page, {"subject": "Bid!", "body": "{{ member.total }} bids", "save": ""})
    assert saved.status_code == 302
    assert MailTemplate.objects.get(edition=edition).body == "{{ member.total }} bids"
    broken = chair_client.post(page, {"subject": "Bid!", "body": "{% if %}", "save": ""})
    assert broken.status_code == 400
    assert "cannot be rendered" in broken.content.decode()
    assert MailTemplate.objects.get(edition=edition).body == "{{ member.total }} bids"
    listed = chair_client.get(url("outbox:templates", edition)).content.decode()
    assert "bidding/mail/few_bids" in listed


def test_an_unknown_template_is_a_404(chair_client: Client, edition: Any) -> None:
    assert chair_client.get(url("outbox:template", edition, mail_app="bidding", mail_name="nope")).status_code == 404


def queries_for(client: Client, page: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["outbox:mail", "outbox:batches"])
def test_list_pages_take_as_many_queries_for_one_item_as_for_three(
    chair_client: Client, edition: Any, chair: Any, name: str
) -> None:
    def add_batch(number: int) -> None:
        batch = mail_batch_create(edition=edition, name=f"Batch {number}", by=chair)
        mail_queue(to_email=f"{number}@example.org", subject="Held", body="x", batch=batch)

    add_batch(1)
    one = queries_for(chair_client, url(name, edition))
    add_batch(2)
    add_batch(3)
    assert queries_for(chair_client, url(name, edition)) == one
