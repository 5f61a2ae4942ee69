"""Schemathesis over the OpenAPI schema as an author, a PC member and a chair: no 5xx, and every
response as the schema describes it (status code and body), unsafe methods included.

Twice: in-process on the test database (PostgreSQL in CI), and against gunicorn with two workers
on a fresh embedded SQLite database, with concurrent requests (the run that once got
``database is locked``). Seeded and bounded (``tests.fuzz.runner``): the same requests every
run. Select with ``-m fuzz``; a failure lists each request and the answer.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.test import override_settings

from tests.conftest import require_service
from tests.fuzz import hooks, runner
from tests.fuzz.world import ROLE_EMAILS, seed_fuzz_world

pytestmark = pytest.mark.fuzz

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ROLES = tuple(ROLE_EMAILS)


def _protect(world: dict[str, Any]) -> None:
    hooks.PROTECTED["token_id"] = set(world["protected"]["token_id"])
    hooks.PROTECTED["role_id"] = set(world["protected"]["role_id"])


def _assert_clean(outcome: runner.Outcome, where: str) -> None:
    assert outcome.in_schema > 100
    assert len(outcome.operations) == outcome.in_schema, f"{where}: operations left untested"
    assert not outcome.failures, f"{where}:\n{outcome.report()}"
    assert not outcome.errors, f"{where}:\n{outcome.report()}"
    assert not [status for status in outcome.statuses if status >= 500]
    # The steering works: the fuzzer gets past the 404s to real answers.
    assert sum(count for status, count in outcome.statuses.items() if status < 300) > 20, outcome.samples


# --- In-process, on the test database --------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-media")


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: Any, django_db_blocker: Any, fuzz_media: Path) -> Iterator[dict[str, Any]]:
    """The world once per module, in a transaction rolled back at its end; each test runs in
    its own savepoint, so one role's fuzzing does not change what the next one sees."""
    fast = override_settings(
        MEDIA_ROOT=fuzz_media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = seed_fuzz_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def wsgi_app(settings: Any, fuzz_media: Path) -> Iterator[Any]:
    """Django's WSGI handler on the test's own connection, inside its transaction. Schemathesis
    calls it from a worker thread (one: the engine runs with one worker here), which would
    otherwise open a connection of its own and see none of the world; and like Django's test
    client, it must not close the connection after each request."""
    settings.MEDIA_ROOT = fuzz_media
    handler = get_wsgi_application()
    shared = connections[DEFAULT_DB_ALIAS]

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        connections[DEFAULT_DB_ALIAS] = shared
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # as any WSGI server sets it (the token checks read it)
        return handler(environ, start_response)

    shared.inc_thread_sharing()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield app
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        shared.dec_thread_sharing()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_api_in_process_on_the_test_database(fuzz_world: dict[str, Any], wsgi_app: Any, role: str) -> None:
    require_service(connection.vendor == "postgresql", "PostgreSQL as the test database (DATABASE_URL)")
    _protect(fuzz_world)
    outcome = runner.run(runner.load_from_wsgi(wsgi_app, token=fuzz_world["tokens"][role]))
    _assert_clean(outcome, f"{role} on {connection.vendor}")


# --- gunicorn with two workers on the embedded SQLite default --------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            if response.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer {url} within 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any], Path]]:
    """A fresh SQLite database in ``tmp_path``, migrated and seeded, served by gunicorn with two
    workers (production settings: DEBUG off). Yields the base URL, the world and the log file."""
    require_service(importlib.util.find_spec("sqlite3") is not None, "Python's sqlite3 module")
    require_service(importlib.util.find_spec("gunicorn") is not None, "gunicorn")
    environment = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DEBUG", "CELERY_BROKER_URL"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings",
            "PYTHONPATH": str(BASE_DIR),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SECRET_KEY": "fuzzing-only-" + "x" * 50,
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )

    def run(*command: str) -> str:
        done = subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run(sys.executable, "manage.py", "migrate", "--verbosity", "0")
    world = json.loads(run(sys.executable, "-m", "tests.fuzz.world").strip().splitlines()[-1])
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "mlsys_conf.wsgi"],
            cwd=BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base_url}/health/", server, log)
        yield base_url, world, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_api_under_gunicorn_with_two_workers_on_sqlite(sqlite_server: tuple[str, dict[str, Any], Path]) -> None:
    base_url, world, log = sqlite_server
    # The three roles at once, each in a process of its own: concurrent readers and writers on
    # the two gunicorn workers. One thread per process: CPython 3.11 can fail inside the client
    # ("SystemError: AST constructor recursion depth mismatch") when two threads parse at once.
    clients = {
        role: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fuzz.runner",
                json.dumps(
                    {
                        "url": f"{base_url}/api/schema/",
                        "token": world["tokens"][role],
                        "workers": 1,
                        "protected": world["protected"],
                    }
                ),
            ],
            cwd=BASE_DIR,
            env={**os.environ, "PYTHONPATH": str(BASE_DIR), "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ROLES
    }
    outcomes = {}
    for role, client in clients.items():
        out, err = client.communicate(timeout=900)
        assert client.returncode == 0, err[-3000:]
        outcomes[role] = runner.outcome_from_json(out.strip().splitlines()[-1])
    server_log = log.read_text()
    assert "database is locked" not in server_log, server_log[-5000:]
    for role, outcome in outcomes.items():
        _assert_clean(outcome, f"{role} on SQLite")
    assert "Traceback" not in server_log, server_log[-5000:]
