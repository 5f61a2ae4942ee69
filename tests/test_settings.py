"""Settings come from the environment, with defaults that run on a laptop. Each case starts a
fresh Python, since settings are read once at start-up."""

from __future__ import annotations

import json
import os
import re
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


PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "conf.example.org", "SITE_URL": "https://conf.example.org"}


def test_deploy_checks_pass_in_production_configuration() -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "warnings"),
    [
        (
            {
                "SITE_URL": "http://conf.example.org",  # mail would link to plain HTTP
                "ALLOWED_HOSTS": "*",
                "SESSION_COOKIE_SECURE": "false",
                "SECURE_HSTS_SECONDS": "0",
                "SECURE_SSL_REDIRECT": "false",
            },
            ["mlsys.W001", "mlsys.W002", "security.W012", "security.W004", "security.W008"],
        ),
        ({"SITE_URL": "https://elsewhere.example.org"}, ["mlsys.W003"]),
    ],
)
def test_deploy_checks_fail_on_unsafe_production_settings(change: dict[str, str], warnings: list[str]) -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**PRODUCTION, **change},
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode != 0
    found = set(re.findall(r"\((\w+\.W\d+)\)", result.stdout + result.stderr))
    assert found == set(warnings)


PRINT_SECURITY = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL",
)}))
"""


def security_settings(**env: str) -> dict[str, object]:
    result = run(["-c", PRINT_SECURITY], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_is_https_only_and_a_local_run_stays_on_plain_http() -> None:
    production = security_settings(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50))
    assert production == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "https",
    }
    # scripts/serve: http://127.0.0.1:8000 with cookies that work over plain HTTP, no HSTS, and
    # no X-Forwarded-Proto believed (nothing is in front of it).
    local = security_settings()
    assert local == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
    }


def test_production_reached_directly_redirects_to_https_but_not_its_health_check() -> None:
    """Without a proxy in front (BEHIND_TLS_PROXY=false) a forged X-Forwarded-Proto is not
    believed; the health check answers over plain HTTP (the container's probe), the rest redirects."""
    probe = """
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="conf.example.org")
print(settings.SECURE_PROXY_SSL_HEADER, client.get("/health/").status_code,
      client.get("/accounts/login/").status_code,
      client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code)
"""
    result = run(
        ["-c", probe],
        **PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="sqlite:///:memory:",
        BEHIND_TLS_PROXY="false",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["None", "200", "301", "301"]


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)


def test_system_checks_pass() -> None:
    call_command("check", fail_level="WARNING")
