"""Redis down during a submission: the author's requests succeed and their data is saved, the
mail they cause waits in the outbox, and once Redis is back the retry job and a real worker send
each of those mails once.

The web side (this process) is pointed at a closed port, as if Redis had died; the worker runs
on the real Redis from the start (it is where Redis "comes back")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from kombu import pools

from conferences.models import Edition
from mlsys_conf import queueing
from mlsys_conf.celery import app as celery_app
from outbox.models import Mail, MailStatus
from outbox.sending import message_id
from outbox.tasks import retry_unsent_mail
from submissions.models import Submission
from submissions.selectors import current_paper
from tests.faults.workers import REDIS_URL, Workers, wait_until
from tests.submissions import corpus
from tests.submissions.helpers import author_rows, upload

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


def use_broker(url: str) -> None:
    """Point this process's Celery at ``url``, forgetting its pooled connections."""
    celery_app.conf.broker_url = url
    pools.reset()  # kombu's connection and producer pools, shared by every app in the process
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    queueing.broker_down_until = 0.0


@pytest.fixture
def redis_down() -> Iterator[None]:
    saved = celery_app.conf.broker_url
    use_broker(DEAD_BROKER)
    yield
    use_broker(saved)


def test_a_submission_made_while_redis_is_down_is_saved_and_its_mail_sent_once_redis_is_back(
    client: Any, edition: Edition, author: Any, workers: Workers, redis_down: None
) -> None:
    worker = workers.start(wait=False, MAIL_RETRY_AFTER_SECONDS="0")  # starts while the author works
    client.force_login(author)

    new_url = reverse("submissions:new", kwargs={"edition_slug": edition.slug})
    rows = [
        {"name": "Ada Author", "email": "author@example.org", "affiliation": "ETH Zurich"},
        {"name": "Bo Coauthor", "email": "bo@example.net", "affiliation": "EPFL"},
    ]
    post = {"title": "Learned Compilers", "abstract": "We compile models.", "topic": "both", "keywords": "compilers"}
    response = client.post(new_url, {**post, **author_rows(*rows, initial=1, extra=1)})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert queueing.broker_down_until > 0, "the request did try the broker, and found it down"

    upload_url = reverse(
        "submissions:upload", kwargs={"edition_slug": edition.slug, "number": submission.number, "kind": "paper"}
    )
    response = client.post(upload_url, {"file": upload("paper.pdf", corpus.weasyprint_pdf())})
    assert response.status_code == 302
    assert current_paper(submission) is not None
    submission.refresh_from_db()
    assert submission.state == "submitted"

    # The co-author's notice and the upload receipt wait in the outbox, nothing was sent.
    waiting = {mail.to_email: mail for mail in Mail.objects.all()}
    assert set(waiting) == {"bo@example.net", "author@example.org"}
    assert {mail.status for mail in waiting.values()} == {MailStatus.QUEUED}
    workers.wait_ready(worker)
    assert workers.deliveries() == {}

    # Redis is back: the retry job finds the waiting mail and the worker sends it.
    use_broker(REDIS_URL)
    workers.run(retry_unsent_mail)
    assert wait_until(lambda: Mail.objects.filter(status=MailStatus.SENT).count() == 2, 60), "not sent"
    workers.run(retry_unsent_mail)  # a second run finds nothing left to send
    assert wait_until(lambda: workers.logs[worker].read_text().count("retry_unsent_mail") >= 4, 30)
    expected = {mail.to_email: [message_id(mail)] for mail in waiting.values()}
    assert workers.deliveries() == expected
