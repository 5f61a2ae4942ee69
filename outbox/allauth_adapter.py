"""allauth's account adapter: its mail (confirmations, password resets) goes through the outbox
like every other mail, and signing in lands on the edition the user came from (a safe ``next``,
which allauth honours before asking us) or else the one they most recently got a role in.
Its mail names the site (settings.SITE_NAME) and links to settings.SITE_URL, whatever host the
request came in on. Named in settings.ACCOUNT_ADAPTER."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from conferences.selectors import edition_of_latest_role
from outbox.services import mail_queue


class PublicSite(NamedTuple):
    """Stands in for allauth's ``current_site`` in mail templates (name and domain)."""

    name: str
    domain: str


def public_site() -> PublicSite:
    return PublicSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def public_url(url: str) -> str:
    """An absolute link built from the request, moved onto the configured public address."""
    bits = urlsplit(url)
    if bits.scheme not in {"http", "https"} or not bits.netloc:
        return url
    site = urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, site.path.rstrip("/") + bits.path, bits.query, bits.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        edition = edition_of_latest_role(request.user)
        return edition.get_absolute_url() if edition else reverse("home")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        public = {key: public_url(value) for key, value in context.items() if isinstance(value, str)}
        context = {**context, **public, "current_site": public_site()}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
            "",
        )
        user = context.get("user")
        mail_queue(
            to_email=email,
            subject=message.subject,
            body=message.body,
            html_body=html,
            to_user=user if getattr(user, "pk", None) else None,
            about=None,  # the site's account mail
        )
