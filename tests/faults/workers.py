"""Real Celery worker processes for the fault tests: each on the real Redis broker and the shared
PostgreSQL test database, all of one test on one fresh default queue (so the tasks they queue
themselves, and those of an embedded beat, stay within the test), recording every delivered
mail in a folder of its own (tests.outbox.recording_backend)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from mlsys_conf.celery import app as celery_app
from outbox.tasks import send_mail
from tests.conftest import require_service
from tests.outbox.test_broker import REDIS_URL, database_url_of_test_db, redis_answers, wait_until

ROOT = Path(__file__).resolve().parents[2]


class Workers:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.tmp_path = tmp_path
        self.queue = f"test-faults-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.processes: list[subprocess.Popen[str]] = []
        self.folders: list[Path] = []
        self.logs: list[Path] = []

    def start(self, *, beat: bool = False, wait: bool = True, **env: str) -> int:
        """Start one more worker (with an embedded beat if ``beat``); wait until it is ready."""
        index = len(self.processes)
        folder = self.tmp_path / f"delivered-{index}"
        log_path = self.tmp_path / f"worker-{index}.log"
        process_env = {
            **os.environ,
            "DATABASE_URL": database_url_of_test_db(),
            "REDIS_URL": REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_BACKEND": "tests.outbox.recording_backend.EmailBackend",
            "MAIL_RECORD_DIR": str(folder),
            "MAIL_RATE_PER_MINUTE": "0",
            "DEBUG": "true",
            **self.env,
            **env,
        }
        command = [sys.executable, "-m", "celery", "-A", "mlsys_conf", "worker", "--pool=solo", "-Q", self.queue]
        command += ["-n", f"faults{index}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"]
        command += ["--without-heartbeat", "--loglevel=INFO"]
        if beat:
            command += ["-B", "-s", str(self.tmp_path / f"beat-{index}")]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=process_env, stdout=log, stderr=subprocess.STDOUT, text=True
            )
        self.processes.append(process)
        self.folders.append(folder)
        self.logs.append(log_path)
        if wait:
            self.wait_ready(index)
        return index

    def ready(self, index: int) -> bool:
        return self.processes[index].poll() is None and " ready." in self.logs[index].read_text()

    def wait_ready(self, index: int) -> None:
        assert wait_until(lambda: self.ready(index), 60), f"worker {index} did not start"

    def run(self, task: Any, *args: Any) -> None:
        """Queue ``task`` for these workers, on the real broker."""
        with celery_app.connection_for_write(REDIS_URL) as conn:
            task.apply_async(args=args, queue=self.queue, connection=conn)

    def send(self, *mail_ids: int) -> None:
        """Queue a send task for each of ``mail_ids`` (repeats included) for these workers."""
        for mail_id in mail_ids:
            self.run(send_mail, mail_id)

    def stuck(self, index: int) -> bool:
        """Whether worker ``index``, started with ``MAIL_CRASH``, hangs inside a send."""
        return any(self.folders[index].glob("stuck-*"))

    def message_counts(self) -> Counter[str]:
        """How often each Message-ID was delivered, all workers together."""
        return Counter(message_id for ids in self.deliveries().values() for message_id in ids)

    def deliveries(self) -> dict[str, list[str]]:
        """The Message-IDs delivered to each recipient, every delivery counted, all workers together."""
        found: dict[str, list[str]] = defaultdict(list)
        for folder in self.folders:
            for record in folder.glob("*.eml"):
                message_id, to, _body = record.read_text().split("\n", 2)
                found[to].append(message_id)
        return dict(found)

    def kill(self, index: int) -> None:
        self.processes[index].kill()  # SIGKILL: no clean-up, no acknowledgement
        self.processes[index].wait()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    require_service(connection.vendor == "postgresql", "PostgreSQL as the test database (DATABASE_URL)")
    require_service(redis_answers(REDIS_URL), f"Redis at {REDIS_URL}")
    celery_app.conf.task_always_eager = False  # the autouse fixture puts it back
    started = Workers(tmp_path)
    yield started
    started.stop()


__all__ = ["REDIS_URL", "Workers", "wait_until", "workers"]
