"""Queueing a task when the broker may be down: a broker outage never fails a request.

:class:`Task` (every task's base, set in :mod:`mlsys_conf.celery`) logs a task it could not
queue (after ``CELERY_TASK_PUBLISH_RETRY_POLICY``, about a second) and then, for
:data:`BROKER_DOWN_PAUSE`, queues nothing more from this process, so a request pays that second
once. Nothing is lost that matters: mail is a row in the outbox first, sent by the retry job once
the broker is back, and the light tasks that write mail rows (base :class:`RunHereIfBrokerDown`)
run in the calling process instead. A base module: it imports no app.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import celery
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

BROKER_DOWN_PAUSE = 15.0  # seconds during which a process queues nothing after a failed publish
broker_down_until = 0.0  # time.monotonic() until which the broker is taken to be down


class Task(celery.Task):
    """A task whose queueing fails soft when the broker is unreachable."""

    run_here_if_broker_down = False  # light, and its work must not wait for the broker: run it in-process

    def apply_async(self, args: Any = None, kwargs: Any = None, *more: Any, **options: Any) -> Any:
        global broker_down_until  # one flag per process, on purpose
        if self.app.conf.task_always_eager or time.monotonic() >= broker_down_until:
            try:
                return super().apply_async(args, kwargs, *more, **options)
            except OperationalError as error:
                broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
                log.error("Broker unreachable (%s); queueing paused for %.0f s", error, BROKER_DOWN_PAUSE)
        if self.run_here_if_broker_down:
            log.warning("Broker down: running %s%s here", self.name, tuple(args or ()))
            return self.apply(args, kwargs)
        log.error("Broker down: %s%s not queued", self.name, tuple(args or ()))
        return None


class RunHereIfBrokerDown(Task):
    """For a light task whose work must not wait for the broker (it writes mail rows)."""

    run_here_if_broker_down = True
