"""Checks that misbehave, for the fork server's children (test_sandbox_forkserver.py). Like the
real checks, this module needs no Django: the fork server's children import it by name."""

from __future__ import annotations

import os
import resource
import signal
import sys
from typing import Any, NoReturn

from submissions.pdf_checks import PdfReport, Status


def where_am_i(content: bytes, **options: Any) -> PdfReport:
    """Reports the child's parent and whether Django's ORM was loaded in it."""
    report = PdfReport(sha256="0" * 64, size=len(content))
    report.add("parent", Status.OK, str(os.getppid()))
    report.add("orm_loaded", Status.OK, str("django.db.models" in sys.modules))
    report.add("received", Status.OK, str(content == options["expected"]))
    core, cpu = resource.getrlimit(resource.RLIMIT_CORE)[0], resource.getrlimit(resource.RLIMIT_CPU)[0]
    report.add("limits", Status.OK, f"core {core}, cpu {cpu}")
    limited = resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY
    report.add("address_space", Status.OK, "limited" if limited else "unlimited")
    return report


def hang(content: bytes, **options: Any) -> NoReturn:
    while True:
        pass


def eat_memory(content: bytes, **options: Any) -> NoReturn:
    hoard = bytearray(1024 * 1024 * 1024)  # 1 GB: far past the 64 MB these tests allow
    raise AssertionError(f"allocated {len(hoard)} bytes past the limit")


def die(content: bytes, **options: Any) -> NoReturn:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("still alive")
