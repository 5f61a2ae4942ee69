"""The embedded SQLite default holds concurrent writers: WAL, a busy timeout, immediate transactions."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlsys_conf.database import SQLITE_ENGINE, database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

needs_sqlite = pytest.mark.skipif(importlib.util.find_spec("sqlite3") is None, reason="no sqlite3 module")


def test_a_sqlite_url_gets_wal_a_busy_timeout_and_immediate_transactions(tmp_path: Path) -> None:
    config = database_from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}", conn_max_age=0)
    assert config["ENGINE"] == SQLITE_ENGINE
    options = config["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "PRAGMA journal_mode=WAL" in [part.strip() for part in options["init_command"].split(";")]


def test_a_postgresql_url_is_left_as_it_is() -> None:
    config = database_from_url("postgres://u:p@127.0.0.1:5432/db", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] == 60
    assert "transaction_mode" not in config.get("OPTIONS", {})
    assert "init_command" not in config.get("OPTIONS", {})


# One writer: waits for the go file, then runs 50 transactions that each read the highest number
# and write the next one (a read then a write: the pattern that fails at once with "database is
# locked" when two deferred transactions each hold a read lock and want to write).
WRITER = """
import json, os, sys, time
from pathlib import Path
import django
django.setup()
from django.db import connection, transaction
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
for _ in range(50):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
            (n,) = cursor.fetchone()
            cursor.execute("INSERT INTO counter (n, writer) VALUES (%s, %s)", [n + 1, sys.argv[2]])
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
print(json.dumps({"journal_mode": mode, "options": connection.settings_dict["OPTIONS"]}))
"""


@needs_sqlite
def test_two_processes_writing_at_once_are_not_locked_out(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "concurrent.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE counter (n INTEGER NOT NULL UNIQUE, writer TEXT NOT NULL)")
    go = tmp_path / "go"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "PYTHONPATH": str(BASE_DIR),
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(go), name],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    go.touch()
    results = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, results, strict=True):
        assert "database is locked" not in err
        assert writer.returncode == 0, err
        report = json.loads(out.strip().splitlines()[-1])
        assert report["journal_mode"] == "wal"
        assert report["options"]["transaction_mode"] == "IMMEDIATE"
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT n, writer FROM counter ORDER BY n").fetchall()
    assert [n for n, _ in rows] == list(range(1, 101))
    assert {writer for _, writer in rows} == {"a", "b"}
