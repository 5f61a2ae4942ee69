"""A Celery worker killed (SIGKILL) at random moments while sending 100 mails: no mail is lost,
and a mail delivered twice is always the same message (the same Message-ID).

The workers are real processes on the real Redis broker, two at a time; at seeded random moments
one of them is killed and a new one started, then the retry job (outbox.tasks.retry_unsent_mail,
in a worker) runs until every mail is sent. Claims go stale after 5 s here
(MAIL_STALE_CLAIM_SECONDS) instead of 15 minutes.

A second delivery can only come from a death between the server accepting a message and the
worker marking its row sent (outbox/sending.py: SMTP cannot take a message back, so this window
is narrowed, never closed). The fake server here takes 80 ms per message, half of it after it
accepted the message, to make that window as likely to be hit as it is in real life with a slow
"250 OK": the duplicates measured are printed (pytest -s), and each kill can cause at most one.
Every repeat is also known on our side: the retried row carries outbox.sending.MAYBE_SENT.
"""

from __future__ import annotations

import random
import time
from typing import Any
from unittest import mock

import pytest

from outbox.models import Mail, MailStatus
from outbox.sending import MAYBE_SENT, message_id
from outbox.services import mail_queue
from outbox.tasks import retry_unsent_mail, send_mail
from tests.faults.workers import Workers, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

MAILS = 100
KILLS = 4
SEED = 20271201


def test_a_worker_killed_at_random_moments_loses_no_mail_and_any_repeat_is_the_same_message(
    workers: Workers, capsys: Any
) -> None:
    rng = random.Random(SEED)
    workers.env.update(MAIL_LATENCY="0.08", MAIL_STALE_CLAIM_SECONDS="5", MAIL_RETRY_AFTER_SECONDS="2")
    with mock.patch("outbox.services._send_after_commit"):  # queued here, handed to the workers below
        mails = [
            mail_queue(to_email=f"author{i}@example.org", subject=f"Paper {i}", body=f"Decision {i}")
            for i in range(MAILS)
        ]
    for mail in mails:
        workers.run(send_mail, mail.pk)

    # Two workers at a time; at random moments one that is working is killed and a replacement
    # started (it boots while the other one goes on sending).
    first, second = workers.start(wait=False), workers.start(wait=False)
    workers.wait_ready(first)
    workers.wait_ready(second)
    sent_at_kill = []
    for _kill in range(KILLS):
        assert wait_until(lambda: any(workers.ready(i) for i in range(len(workers.processes))), 60)
        time.sleep(rng.uniform(0.3, 2.0))  # a ready worker has been sending for a while
        victim = rng.choice([i for i in range(len(workers.processes)) if workers.ready(i)])
        workers.kill(victim)
        sent_at_kill.append(Mail.objects.filter(status=MailStatus.SENT).count())
        workers.start(wait=False)
    assert sent_at_kill[-1] < MAILS, "the kills came too late to interrupt anything"
    kills = len(sent_at_kill)

    survivors = [i for i, process in enumerate(workers.processes) if process.poll() is None]
    for index in survivors:
        workers.wait_ready(index)
    deadline = time.monotonic() + 90
    while Mail.objects.filter(status=MailStatus.SENT).count() < MAILS and time.monotonic() < deadline:
        workers.run(retry_unsent_mail)
        wait_until(lambda: Mail.objects.filter(status=MailStatus.SENT).count() == MAILS, 3)
    assert Mail.objects.filter(status=MailStatus.SENT).count() == MAILS, "mail was lost"
    time.sleep(0.5)  # tasks still in flight (repeats of sent mail) settle; they send nothing
    assert all(workers.processes[i].poll() is None for i in survivors)

    delivered = workers.deliveries()
    expected = {mail.to_email: message_id(mail) for mail in mails}
    assert set(delivered) == set(expected), "every mail reached its recipient"
    for to, ids in delivered.items():
        assert set(ids) == {expected[to]}, f"{to} got a different message on a repeat"
    duplicates = sum(len(ids) - 1 for ids in delivered.values())
    assert duplicates <= kills, "a repeat without a death in the window"
    flagged = set(Mail.objects.filter(last_error=MAYBE_SENT).values_list("to_email", flat=True))
    assert {to for to, ids in delivered.items() if len(ids) > 1} <= flagged, "a repeat the outbox does not show"
    attempts = sorted(Mail.objects.values_list("attempts", flat=True))
    with capsys.disabled():
        print(  # noqa: T201 - the measurement, for the record (pytest -s)
            f"\n{MAILS} mails, {kills} kills (sent when killed: {sent_at_kill}): 0 lost, "
            f"{duplicates} delivered twice (same Message-ID, {len(flagged)} flagged as maybe sent), "
            f"max attempts {attempts[-1]}"
        )
