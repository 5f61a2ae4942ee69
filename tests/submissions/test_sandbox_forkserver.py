"""Issue 12: the PDF and ZIP checks run in children of a small fork server (no Django), under
the same limits and with the same messages as children forked from the worker."""

from __future__ import annotations

import os
from typing import Any

import pytest

from submissions import sandbox
from submissions.pdf_checks import Limits, check_pdf
from tests.factories.pdfs import make_pdf
from tests.submissions import misbehaving_checks

LIMITS = sandbox.CheckLimits(seconds=1, memory_mb=64)


@pytest.fixture(autouse=True)
def served(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.UPLOAD_CHECK_FORKSERVER = True
    monkeypatch.setattr(sandbox, "SERVED_MODULES", (*sandbox.SERVED_MODULES, misbehaving_checks.__name__))


def message(report: Any) -> str:
    [check] = report.checks
    assert check.status == "error"
    return str(check.message)


def test_a_served_check_runs_in_a_small_child_of_the_fork_server() -> None:
    content = os.urandom(3 * 1024 * 1024)
    report = sandbox.run_check(misbehaving_checks.where_am_i, content, run_limits=LIMITS, expected=content)
    facts = {c.code: c.message for c in report.checks}
    assert facts["parent"] != str(os.getpid())
    assert facts["orm_loaded"] == "False"
    assert facts["received"] == "True"
    assert facts["limits"] == "core 0, cpu 1"
    assert facts["address_space"] == "limited"


def test_the_real_pdf_check_answers_from_the_fork_server() -> None:
    report = sandbox.run_check(check_pdf, make_pdf(2), run_limits=LIMITS, limits=Limits(max_pages=5, max_bytes=10**6))
    assert report.accepted
    assert report.page_count == 2


def test_other_work_is_forked_from_the_worker(settings: Any) -> None:
    settings.UPLOAD_CHECK_FORKSERVER = False
    report = sandbox.run_check(misbehaving_checks.where_am_i, b"x", run_limits=LIMITS, expected=b"x")
    assert {c.code: c.message for c in report.checks}["parent"] == str(os.getpid())


def test_a_check_that_hangs_is_stopped() -> None:
    report = sandbox.run_check(misbehaving_checks.hang, make_pdf(), run_limits=LIMITS)
    assert not report.accepted
    assert message(report).startswith("The file could not be checked within 1 second;")


def test_a_check_that_eats_memory_is_stopped() -> None:
    report = sandbox.run_check(misbehaving_checks.eat_memory, make_pdf(), run_limits=LIMITS)
    assert message(report).startswith("The file could not be checked within 64 MB of memory;")


def test_a_check_that_dies_is_a_rejection() -> None:
    report = sandbox.run_check(misbehaving_checks.die, make_pdf(), run_limits=LIMITS)
    assert message(report).startswith("The checker stopped on this file without an answer;")
