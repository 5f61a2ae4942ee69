"""An e-mail backend for the broker tests' worker processes: each delivered message is one file
in ``MAIL_RECORD_DIR`` (a fresh name each time, so deliveries are counted, never overwritten).

``MAIL_CRASH`` makes the worker hang inside the send, for the test to kill it there: ``before``
hangs before anything is delivered (the SMTP exchange never finished), ``after`` records the
delivery first (the server accepted the message) and hangs before the worker can mark it sent.
Either way a file ``stuck-<pid>`` names the message, so the test knows the moment has come.

``MAIL_LATENCY`` (seconds) makes each send take that long, as an SMTP exchange does: half before
the server accepts the message (recorded), half for its "250 OK" to come back.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["MAIL_RECORD_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        crash = os.environ.get("MAIL_CRASH", "")
        latency = float(os.environ.get("MAIL_LATENCY") or 0)
        for message in email_messages:
            time.sleep(latency / 2)
            if crash != "before":
                record = f"{message.extra_headers.get('Message-ID', '')}\n{message.to[0]}\n{message.body}"
                name = uuid.uuid4().hex
                (folder / f"{name}.tmp").write_text(record)
                (folder / f"{name}.tmp").replace(folder / f"{name}.eml")  # accepted whole or not at all
            time.sleep(latency / 2)
            if crash:
                (folder / f"stuck-{os.getpid()}").write_text(message.extra_headers.get("Message-ID", ""))
                time.sleep(3600)  # until the test kills this worker
        return len(email_messages)
