"""allauth's account adapter: its mail (confirmations, password resets) goes through the outbox
like every other mail. Named in settings.ACCOUNT_ADAPTER."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from outbox.services import mail_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
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
        )
