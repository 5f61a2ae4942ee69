"""The database settings, built from a URL (``DATABASE_URL``, or the embedded SQLite default).

SQLite serves concurrent writers (several web workers, Celery, beat) only when told to: the
write-ahead log lets readers go on while one writer writes, the busy timeout makes a writer wait
for the lock instead of failing at once with ``database is locked``, and immediate transactions
take the write lock when a transaction begins, so two transactions that both read and then
write cannot deadlock on the upgrade from a read lock (SQLite would fail one of them without
waiting). Other databases are left as django-environ builds them.
"""

from __future__ import annotations

from typing import Any

import environ

SQLITE_ENGINE = "django.db.backends.sqlite3"

# Django runs each statement of ``init_command`` on every new connection (Django 5.1+).
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": "PRAGMA journal_mode=WAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,  # seconds a writer waits for the lock (sqlite3's busy timeout)
}


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict[str, Any]:
    """The ``DATABASES["default"]`` entry for ``url``, with the SQLite options for SQLite."""
    config: dict[str, Any] = dict(environ.Env.db_url_config(url))
    config["CONN_MAX_AGE"] = conn_max_age
    if config.get("ENGINE") == SQLITE_ENGINE:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config
