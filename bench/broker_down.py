"""What a broker outage costs a request (prints figures; no pass/fail).

    .venv/bin/python bench/broker_down.py [--tasks 5]

Queues ``--tasks`` tasks (as one request's on-commit dispatches do) against a Redis that refuses
connections (a closed port) and against one that accepts them and never answers (a silent
socket, like a frozen Redis), and prints how long each queueing took. With the settings'
connect/socket timeouts and publish retry policy, the first costs at most about two seconds,
the next ones nothing (mlsys_conf.queueing pauses queueing after a failure). Needs no database.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def silent_server() -> int:
    """A TCP port that accepts connections and never says a word. Returns the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            connection, _address = listener.accept()
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return int(listener.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlsys_conf.settings")
    os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"
    import django
    from kombu import pools

    django.setup()
    from mlsys_conf import queueing
    from mlsys_conf.celery import app
    from outbox.tasks import send_mail

    app.conf.task_always_eager = False
    for label, url in [("refused (closed port)", "redis://127.0.0.1:1/0"), ("silent (never answers)", None)]:
        app.conf.broker_url = url or f"redis://127.0.0.1:{silent_server()}/0"
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
        queueing.broker_down_until = 0.0
        times = []
        for mail_id in range(args.tasks):
            start = time.monotonic()
            send_mail.delay(mail_id)
            times.append(time.monotonic() - start)
        print(f"{label}: first task {times[0]:.2f} s, the next {len(times) - 1} together {sum(times[1:]):.3f} s")


if __name__ == "__main__":
    main()
