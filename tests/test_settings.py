"""Settings come from the environment, with defaults that run on a laptop. Each case starts a
fresh Python, since settings are read once at start-up."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
}
PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "storage": settings.STORAGES["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
    "email": settings.EMAIL_BACKEND,
}))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_with(**env: str) -> dict[str, object]:
    result = run(["-c", PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_defaults_need_nothing_installed() -> None:
    values = settings_with()
    assert values["DEBUG"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("var/mlsys_conf.sqlite3")
    assert values["eager"] is True
    assert values["cache"].endswith("LocMemCache")
    assert values["email"].endswith("console.EmailBackend")
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"


def test_services_come_from_the_environment() -> None:
    values = settings_with(
        DATABASE_URL="postgres://u:p@db.example.org:5432/conf",
        REDIS_URL="redis://cache.example.org:6379/0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="conf.example.org,www.conf.example.org",
        DEFAULT_FILE_STORAGE_BACKEND="storages.backends.s3.S3Storage",
    )
    assert values["DEBUG"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "conf"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example.org:6379/0"
    assert values["cache"].endswith("RedisCache")
    assert values["hosts"] == ["conf.example.org", "www.conf.example.org"]
    assert values["storage"] == "storages.backends.s3.S3Storage"


def test_production_without_secret_key_refuses_to_start() -> None:
    result = run(["manage.py", "check"], DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_mistyped_boolean_is_not_read_as_true() -> None:
    values = settings_with(DEBUG="no", SECRET_KEY=secrets.token_urlsafe(50))
    assert values["DEBUG"] is False


def test_deploy_checks_pass_in_production_configuration() -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="conf.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)


def test_system_checks_pass() -> None:
    call_command("check", fail_level="WARNING")
