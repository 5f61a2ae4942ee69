"""Upload checks run in a child process under limits, so a crafted file can't hang or
exhaust the worker that received it.

The child runs under CPU-time, wall-clock and address-space limits, without core dumps, and
sends the report back through a pipe. A check that runs out of time or memory, or dies,
becomes a rejected report with a message; the caller stores it like any other rejection.

Where the child comes from: the PDF and ZIP checks (the functions of :data:`SERVED_MODULES`)
run in a child forked from a small *fork server*, one per worker process, started on first use
with only those modules loaded (pypdf, no Django): forking it costs a few milliseconds
whatever the size of the worker, and the bytes reach the child through a pipe. Anything else
(a check a test patched, the reviewer's copy, which needs Django) and every check when
``UPLOAD_CHECK_FORKSERVER`` is off runs in a child forked from the worker itself, which has
the bytes and the code already, never touches the database (it shares the parent's
connections, so it leaves with ``os._exit`` and closes nothing).
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings

from submissions.pdf_checks import PdfReport, Status

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 20
DEFAULT_MEMORY_MB = 512

# The checks the fork server has loaded; only their functions run in its children.
SERVED_MODULES = ("submissions.pdf_checks", "submissions.archive_checks")


@dataclass(frozen=True)
class CheckLimits:
    seconds: int
    memory_mb: int

    @classmethod
    def from_settings(cls) -> CheckLimits:
        return cls(
            seconds=int(getattr(settings, "UPLOAD_CHECK_TIMEOUT_SECONDS", DEFAULT_SECONDS)),
            memory_mb=int(getattr(settings, "UPLOAD_CHECK_MEMORY_MB", DEFAULT_MEMORY_MB)),
        )


class CheckAborted(Exception):
    """The check did not finish within its limits; ``str()`` says so to the uploader."""


Check = Callable[..., PdfReport]


def run_check(check: Check, content: bytes, /, *, run_limits: CheckLimits | None = None, **options: Any) -> PdfReport:
    """``check(content, **options)`` in a limited child (``run_limits``, by default the
    settings'); a rejected report if it can't finish."""
    limits = run_limits or CheckLimits.from_settings()
    try:
        return _run_in_child(check, content, options, limits)
    except CheckAborted as aborted:
        report = PdfReport(sha256=hashlib.sha256(content).hexdigest(), size=len(content))
        report.add("checked", Status.ERROR, str(aborted))
        log.warning("upload check of %s aborted: %s", report.sha256[:12], aborted)
        return report


def run_limited(work: Callable[[bytes], bytes], content: bytes, /, *, run_limits: CheckLimits | None = None) -> bytes:
    """``work(content)`` in the same limited child as a check, for work that makes new bytes
    from an upload (the reviewer's copy of a PDF); raises :class:`CheckAborted` if it can't
    finish, and passes the child's own exception on as a ``CheckAborted`` too."""
    value = _run_in_child(work, content, {}, run_limits or CheckLimits.from_settings(), expected=bytes)
    if not isinstance(value, bytes):  # _run_in_child checked it; this tells the type checker
        raise CheckAborted(_died_message(None))
    return value


def _run_in_child(
    check: Callable[..., Any],
    content: bytes,
    options: dict[str, Any],
    limits: CheckLimits,
    *,
    expected: type = PdfReport,
) -> Any:
    receiver, sender = multiprocessing.Pipe(duplex=False)
    args = (sender, check, content, options, limits)
    child: multiprocessing.process.BaseProcess
    if _served(check):
        child = _ServedProcess(target=_child, args=args, daemon=True)
    else:
        child = multiprocessing.get_context("fork").Process(target=_child, args=args, daemon=True)
    try:
        child.start()
    except OSError as error:  # no process to spare (fork failed): say so rather than crash
        log.error("cannot start an upload check: %r", error)
        receiver.close()
        raise CheckAborted("The file could not be checked just now; try again in a few minutes.") from error
    finally:
        sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise CheckAborted(_timeout_message(limits))
        outcome, value = receiver.recv()
    except EOFError:  # the child died without an answer
        child.join(1)
        if child.exitcode == -signal.SIGXCPU:
            raise CheckAborted(_timeout_message(limits)) from None
        raise CheckAborted(_died_message(child.exitcode)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "memory":
        raise CheckAborted(
            f"The file could not be checked within {limits.memory_mb} MB of memory; it may be damaged or built "
            "to exhaust the checker. Export it again, or ask the chairs."
        )
    if outcome != "report" or not isinstance(value, expected):
        raise CheckAborted(_died_message(None))
    return value


def _served(check: Callable[..., Any]) -> bool:
    """Whether ``check`` runs in a child of the fork server (see the module's docstring)."""
    if not getattr(settings, "UPLOAD_CHECK_FORKSERVER", True):
        return False
    if getattr(check, "__module__", None) not in SERVED_MODULES:
        return False
    _start_fork_server()
    return True


_started = threading.Lock()
_preloaded = False


def _start_fork_server() -> None:
    global _preloaded
    with _started:
        if not _preloaded:
            forkserver.set_forkserver_preload(["submissions.sandbox", *SERVED_MODULES])
            _preloaded = True
    forkserver.ensure_running()


class _LeanPopen(popen_forkserver.Popen):
    """The standard library's fork-server launch without re-running the worker's ``__main__``
    (gunicorn's or pytest's script) in every child: the fork server never loads it (a
    standard-library quirk drops its path), so each child would import it again."""

    def _launch(self, process_obj: Any) -> None:
        skipped = {"init_main_from_path", "init_main_from_name", "sys_argv"}
        prep_data = {k: v for k, v in spawn.get_preparation_data(process_obj._name).items() if k not in skipped}
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


# _LeanPopen repeats the standard library's launch, which is the same in Python 3.11 to 3.13;
# on a later Python the standard launch runs (correct, a little slower) until it is checked.
_LEAN_LAUNCH_CHECKED = sys.version_info < (3, 14)


class _ServedProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:  # the standard library's name
        return _LeanPopen(process_obj) if _LEAN_LAUNCH_CHECKED else popen_forkserver.Popen(process_obj)


def _timeout_message(limits: CheckLimits) -> str:
    return (
        f"The file could not be checked within {limits.seconds} second{'s' if limits.seconds != 1 else ''}; "
        "it may be damaged or built to stall the checker. Export it again, or ask the chairs."
    )


def _died_message(exitcode: int | None) -> str:
    log.warning("upload check died (exit code %s)", exitcode)
    return "The checker stopped on this file without an answer; it may be damaged. Export it again, or ask the chairs."


def _child(sender: Connection, check: Check, content: bytes, options: dict[str, Any], limits: CheckLimits) -> None:
    """Runs in the forked child: limit, check, answer, leave without any cleanup."""
    code = 0
    try:
        _limit_self(limits)
        try:
            sender.send(("report", check(content, **options)))
        except MemoryError:
            sender.send(("memory", None))
    except BaseException:  # whatever happens, the parent gets EOF and says so
        code = 1
    finally:
        os._exit(code)


def _limit_self(limits: CheckLimits) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(limits.seconds + 2)  # a backstop should the parent be gone: SIGALRM ends the child
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 1))
    mapped = _address_space_bytes()
    if mapped is None:
        return
    # Relative to what the parent already maps (Django, numpy, ortools): the check gets
    # ``memory_mb`` on top of that.
    wanted = mapped + limits.memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def _address_space_bytes() -> int | None:
    """The size of this process's address space (Linux); ``None`` where it can't be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None
