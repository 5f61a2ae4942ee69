"""How the API knows who calls: the session (the site's sign-in) or a personal API token.

``Authorization: Token <secret>`` (or ``Bearer <secret>``) signs a request in as the token's
owner, without CSRF (no cookie is involved). Refused alike with a 401 that does not say
which: an unknown, revoked or expired token, or one whose account is inactive or has no
verified address. HTTP Basic (a password on every request) is refused outright.

Refused tokens are counted per client IP, with the numbers of allauth's failed-login limit
(``FAILED_LOGINS_PER_IP`` per ``FAILED_LOGIN_WINDOW`` seconds); past them, every token from
that address gets a 429 until the window ends, a right one too, else a hit would stand out.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts import tokens
from accounts.models import ApiToken, User
from accounts.selectors import verified_accounts

KEYWORDS = (b"token", b"bearer")
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per token and minute


class InvalidToken(exceptions.APIException):
    """A 401 with a ``WWW-Authenticate`` challenge. Not an ``AuthenticationFailed``: DRF
    would turn that into a 403 because the session, not the token, is the first scheme."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Invalid, expired or revoked API token."
    default_code = "authentication_failed"
    auth_header = 'Token realm="api"'


class BasicNotAccepted(InvalidToken):
    default_detail = (
        "HTTP Basic authentication is not accepted. Sign in on the site, or send an API token "
        "made on your profile page: Authorization: Token <secret>."
    )


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        scheme = parts[0].lower()
        if scheme == b"basic":
            raise BasicNotAccepted
        if scheme not in KEYWORDS:
            return None
        if _failures(request) >= settings.FAILED_LOGINS_PER_IP:
            raise exceptions.Throttled(
                wait=settings.FAILED_LOGIN_WINDOW,
                detail="Too many refused API tokens from your address.",
            )
        token = _usable_token(parts[1:])
        if token is None:
            _count_failure(request)
            raise InvalidToken
        _note_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return InvalidToken.auth_header


def _usable_token(credentials: list[bytes]) -> ApiToken | None:
    if len(credentials) != 1 or len(credentials[0]) > tokens.MAX_LENGTH:
        return None
    try:
        secret = credentials[0].decode("ascii")
    except UnicodeDecodeError:
        return None
    now = timezone.now()
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest_of(secret), user__in=verified_accounts())
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Refusals per client IP (an IPv6 client counts by its /64, as in allauth) -------------


def _failures_key(request: Request) -> str:
    address = get_adapter().get_client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"api-token-refusals:{address}"
    if ip.version == 6:
        ip = ipaddress.ip_network(f"{ip}/64", strict=False).network_address
    return f"api-token-refusals:{ip}"


def _failures(request: Request) -> int:
    return int(cache.get(_failures_key(request), 0))


def _count_failure(request: Request) -> None:
    key = _failures_key(request)
    if cache.add(key, 1, timeout=settings.FAILED_LOGIN_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # the window ended in between
        cache.add(key, 1, timeout=settings.FAILED_LOGIN_WINDOW)


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The token in the OpenAPI schema, so the docs page can send one."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile page, sent as "
            "`Authorization: Bearer <secret>` (or `Token <secret>`).",
        }
