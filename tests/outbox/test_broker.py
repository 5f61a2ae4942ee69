"""Celery for real: a task goes through a Redis broker to a separate worker process, which
sends the mail from the shared PostgreSQL test database exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from mlsys_conf.celery import app as celery_app
from outbox.models import Mail, MailStatus
from outbox.services import mail_queue
from outbox.tasks import send_mail
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path: Path) -> Any:
    require_service(connection.vendor == "postgresql", "PostgreSQL as the test database (DATABASE_URL)")
    require_service(redis_answers(REDIS_URL), f"Redis at {REDIS_URL}")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "sent"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DEBUG": "true",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mlsys_conf",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue, mail_dir
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def wait_until(predicate: Any, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_sends_queued_mail_once_even_if_the_task_is_delivered_twice(worker: Any) -> None:
    queue, mail_dir = worker
    celery_app.conf.task_always_eager = False
    mail = mail_queue(to_email="pc@example.org", subject="Your papers", body="Three papers to review.")

    with celery_app.connection_for_write(REDIS_URL) as conn:
        send_mail.apply_async(args=[mail.pk], queue=queue, connection=conn)
        send_mail.apply_async(args=[mail.pk], queue=queue, connection=conn)  # a duplicate delivery

    assert wait_until(lambda: Mail.objects.get(pk=mail.pk).status == MailStatus.SENT), "worker did not send"
    time.sleep(1.0)  # let the duplicate be processed too
    files = list(mail_dir.glob("*.log"))
    assert len(files) == 1
    assert "Three papers to review." in files[0].read_text()
