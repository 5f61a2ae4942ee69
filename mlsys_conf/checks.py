"""Deploy checks of our own, run by ``manage.py check --deploy`` beside Django's: what a
production configuration needs that Django cannot know (registered in ConferencesConfig.ready)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_public_address(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SITE_URL (the links in every mail) is HTTPS and one of ALLOWED_HOSTS; no host wildcard."""
    problems: list[CheckMessage] = []
    site = urlsplit(settings.SITE_URL)
    if site.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: links in mail would not use HTTPS.",
                hint="Set SITE_URL to the public https:// address.",
                id="mlsys.W001",
            )
        )
    hosts = list(settings.ALLOWED_HOSTS)
    if "*" in hosts:
        problems.append(Warning("ALLOWED_HOSTS accepts any host.", hint="List the public host names.", id="mlsys.W002"))
    elif site.hostname and not any(
        host == site.hostname or (host.startswith(".") and site.hostname.endswith(host)) for host in hosts
    ):
        problems.append(
            Warning(
                f"The host of SITE_URL ({site.hostname}) is not in ALLOWED_HOSTS: links in mail would fail.",
                hint="Add it to ALLOWED_HOSTS.",
                id="mlsys.W003",
            )
        )
    return problems
