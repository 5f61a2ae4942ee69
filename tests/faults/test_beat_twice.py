"""Beat started twice (a deployment mistake): two Celery workers, each with an embedded beat that
runs every periodic job every two seconds, on the real Redis broker and the shared PostgreSQL
test database. Each job finds something to do and its effect happens once: one mail per
recipient (counted where it is delivered), one release, one reminder round, one affinity per pair.

The situation, prepared before the workers start:
- MLSys 2027 is bidding, closing in 20 hours: submissions closed two and one hours ago (the chair
  hears of each), the PC is reminded of the deadline, the member with few bids is told so, a
  paper has no affinity yet, and an invitation has waited three days for an answer.
- MLSys 2028 is past its reviewing deadline: a review is missing (its reviewer is reminded, the
  chair gets the summary), a release is due, yesterday's comment is in a reviewer's digest.
- A mail queued three minutes ago whose task was lost waits for the retry job.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from actionlog.models import Action
from bidding.models import Affinity, Bid
from committees.models import Invitation
from committees.services import invitation_send
from conferences.models import Area, Edition, Phase, Release, ReleaseKind
from conferences.releases import release_schedule
from conferences.roles import RoleKind
from mlsys_conf.celery import PERIODIC_JOBS
from outbox.models import Mail, MailStatus
from outbox.sending import message_id
from outbox.services import mail_queue
from reviews import discussion
from reviews.models import Comment, NotificationPreference, NotifyMode
from tests.bidding.helpers import add_paper, open_bidding, set_profile
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.faults.workers import Workers, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

EVERY = "2"  # seconds between two runs of each job, per beat
RUNS = 3  # each job has run at least this often, all workers together, before the check


def member(edition: Edition, email: str, area: str, kind: RoleKind = RoleKind.PC_MEMBER) -> Any:
    return RoleFactory(edition=edition, kind=kind, area=area, user__email=email).user


def bidding_edition(edition: Edition, chair: Any) -> dict[str, Any]:
    systems, ml = member(edition, "sys@example.org", Area.SYSTEMS), member(edition, "ml@example.org", Area.ML)
    set_profile(systems, keywords="sparse kernels")
    set_profile(ml, keywords="sparse attention")
    papers = [add_paper(edition, n, title=f"Sparse kernels {n}") for n in (1, 2)]
    Affinity.objects.create(submission=papers[0], user=systems, score=0.5)  # the rest is missing
    for paper in papers:
        Bid.objects.create(submission=paper, user=ml, level=1)  # ml bid enough; systems did not
    invitation = invitation_send(
        edition=edition, email="invitee@example.org", name="Ines", kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=3, hours=2))
    open_bidding(edition, closes_in=timedelta(hours=20))
    return {"systems": systems, "ml": ml, "invitation": invitation}


def reviewing_edition() -> dict[str, Any]:
    edition = EditionFactory(slug="mlsys2028", name="MLSys 2028")
    chair = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair28@example.org").user
    writer, reader = member(edition, "w28@example.org", Area.SYSTEMS), member(edition, "r28@example.org", Area.ML)
    late = member(edition, "late28@example.org", Area.ML)
    open_reviewing(edition)
    [paper] = [add_paper(edition, 1, title="Learned indexes")]
    for reviewer in (writer, reader, late):
        assign(paper, reviewer)
    write_review(paper, writer)
    write_review(paper, reader)
    NotificationPreference.objects.create(user=reader, edition=edition, mode=NotifyMode.DIGEST)
    comment = discussion.comment_post(by=writer, submission=paper, body="Yesterday's remark", audience="reviewers")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=1))
    soon = timezone.now() + timedelta(hours=1)
    release = release_schedule(by=chair, edition=edition, kind=ReleaseKind.DECISIONS, at=soon)
    Release.objects.filter(pk=release.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    edition.deadlines.filter(phase=Phase.REVIEWING).update(closes_at=timezone.now() - timedelta(minutes=5))
    return {"edition": edition, "chair": chair, "reader": reader, "late": late, "release": release}


def runs_of(workers: Workers, task: str) -> int:
    return sum(len(re.findall(rf"Task {re.escape(task)}\[\S+\] succeeded", log.read_text())) for log in workers.logs)


def test_each_periodic_job_acts_once_when_beat_runs_twice(workers: Workers, edition: Edition, chair: Any) -> None:
    with mock.patch("outbox.services._send_after_commit"):  # no worker yet: every mail is left to the jobs
        bidding = bidding_edition(edition, chair)
        reviewing = reviewing_edition()
        lost = mail_queue(to_email="lost@example.org", subject="Lost task", body="Sent by the retry job.")
    Mail.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=3))

    # Mail queued here had its task lost (nothing sent it): the retry job sends it, at once.
    workers.env.update(CELERY_BEAT_EVERY_SECONDS=EVERY, MAIL_RETRY_AFTER_SECONDS="0")
    started = [workers.start(beat=True, wait=False) for _twice in (1, 2)]
    for index in started:
        workers.wait_ready(index)
    tasks = [task for task, _minutes in PERIODIC_JOBS.values()]
    assert wait_until(lambda: all(runs_of(workers, task) >= RUNS for task in tasks), 90), {
        task: runs_of(workers, task) for task in tasks
    }
    assert wait_until(lambda: not Mail.objects.exclude(status=MailStatus.SENT).exists(), 30)
    time.sleep(1.0)  # sends still in flight finish (they find their mail sent and do nothing)
    workers.stop()
    logs = "".join(log.read_text() for log in workers.logs)
    assert logs.count("beat: Starting") == 2, "two beats ran"
    assert " raised unexpected" not in logs, "a job failed under concurrency"

    # Every mail was delivered once.
    sent = list(Mail.objects.all())
    delivered = Counter(mid for ids in workers.deliveries().values() for mid in ids)
    assert delivered == Counter({message_id(mail): 1 for mail in sent})

    def mails(prefix: str) -> list[str]:
        return sorted(m.to_email for m in sent if (m.dedupe_key or "").startswith(prefix))

    # announce-phase-changes: chairs hear once of each phase that closed.
    assert mails("phase-closed:") == ["chair28@example.org", "chair@example.org", "chair@example.org"]
    # deadline-reminders: bidding closes within a day, everyone who bids is reminded once.
    assert mails("reminder:") == ["ml@example.org", "sys@example.org"]
    # remind-few-bids: only the member with too few bids.
    assert mails("few-bids:") == ["sys@example.org"]
    # complete-affinities: every (paper, member) pair scored, none twice (a unique constraint).
    assert Affinity.objects.filter(submission__edition=edition).count() == 4
    # committee-invitation-reminders: one reminder round.
    assert mails(f"committee-invitation:{bidding['invitation'].token}:reminder") == ["invitee@example.org"]
    assert Invitation.objects.get(pk=bidding["invitation"].pk).reminder_count == 1
    # release-due: released once, logged once.
    assert Release.objects.get(pk=reviewing["release"].pk).released_at is not None
    assert Action.objects.filter(action="release.released").count() == 1
    # remind-missing-reviews: the late reviewer once, the chair's summary once.
    assert mails("review-reminder:") == ["late28@example.org"]
    assert mails("review-summary:") == ["chair28@example.org"]
    # comment-digest: yesterday's comment, once, to who chose the digest.
    assert mails("comment-digest") == ["r28@example.org"]
    # retry-unsent-mail: the mail whose task was lost went out (once: see above).
    assert Mail.objects.get(pk=lost.pk).status == MailStatus.SENT
