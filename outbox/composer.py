"""The chairs' mail composer: a recipient set (:mod:`outbox.recipients`), a subject and body with
placeholders, a preview of the first mails exactly as they will be sent, then one held batch
with a mail per recipient for the chairs to read and release.

The template is checked against the placeholders the set declares before anything is rendered
(:func:`outbox.rendering.check_placeholders`), and rendered by the sandboxed engine with each
recipient's own context. A non-essential mail gets the signed unsubscribe link at its foot and
is skipped at sending time for whoever opted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actionlog.services import record_action
from conferences.models import Edition
from mlsys_conf.policy import require
from outbox.models import MailBatch
from outbox.policy import can_manage_mail
from outbox.preferences import unsubscribe_footer
from outbox.recipients import Recipient, RecipientSet, recipient_set
from outbox.rendering import check_placeholders, render_checked
from outbox.services import mail_batch_create, mail_queue

PREVIEW_COUNT = 3


@dataclass(frozen=True)
class ComposedMail:
    recipient: Recipient
    subject: str
    body: str


@dataclass(frozen=True)
class Composition:
    recipient_set: RecipientSet
    recipient_count: int
    mails: list[ComposedMail]  # the first few (a preview), or all of them


def _recipient_set(key: str) -> RecipientSet:
    found = recipient_set(key)
    if found is None:
        raise ValidationError({"recipient_set": "Choose one of the recipient sets offered."})
    return found


def _compose(recipient: Recipient, subject: str, body: str, essential: bool) -> ComposedMail:
    rendered_subject, rendered_body = render_checked(subject, body, recipient.context)
    if not essential:
        rendered_body = rendered_body.rstrip("\n") + unsubscribe_footer(recipient.email)
    return ComposedMail(recipient, rendered_subject[:300], rendered_body)


def mail_compose(
    *,
    edition: Edition,
    recipient_set_key: str,
    subject: str,
    body: str,
    essential: bool,
    by: Any,
    limit: int | None = PREVIEW_COUNT,
) -> Composition:
    """The mails to the set's recipients as they will be sent (the first ``limit``; None: all).
    Refused (a ValidationError) for an unknown set, a placeholder the set does not offer, or a
    template that does not render."""
    require(can_manage_mail(by, edition))
    chosen = _recipient_set(recipient_set_key)
    check_placeholders(subject, body, chosen.placeholders, chosen.label.lower())
    recipients = chosen.recipients(edition, by)
    shown = recipients if limit is None else recipients[:limit]
    return Composition(chosen, len(recipients), [_compose(r, subject, body, essential) for r in shown])


def _dedupe_key(batch: MailBatch, recipient: Recipient) -> str:
    return f"compose:{batch.pk}:{recipient.paper_id or 0}:{recipient.email.strip().lower()}"


@transaction.atomic
def mail_compose_queue(
    *,
    edition: Edition,
    recipient_set_key: str,
    subject: str,
    body: str,
    essential: bool,
    by: Any,
    name: str = "",
) -> MailBatch:
    """A held batch with one mail per recipient (per paper and author for a per-paper set),
    rendered as the preview showed them; nothing is sent before a chair releases it."""
    composition = mail_compose(
        edition=edition,
        recipient_set_key=recipient_set_key,
        subject=subject,
        body=body,
        essential=essential,
        by=by,
        limit=None,
    )
    if not composition.mails:
        raise ValidationError({"recipient_set": "Nobody is in this recipient set now: there is nothing to queue."})
    label = composition.recipient_set.label
    batch = mail_batch_create(edition=edition, name=name.strip() or f"{label}: {' '.join(subject.split())}", by=by)
    for mail in composition.mails:
        recipient = mail.recipient
        mail_queue(
            to_email=recipient.email,
            to_user=recipient.user,
            subject=mail.subject,
            body=mail.body,
            batch=batch,
            dedupe_key=_dedupe_key(batch, recipient),
            essential=essential,
            about=recipient.about,  # the papers it names: hidden from the chairs conflicted with one
        )
    record_action(
        edition=edition,
        actor=by,
        action="mail.composed",
        target=batch,
        changes={
            "recipient_set": (None, recipient_set_key),
            "subject": (None, " ".join(subject.split())),
            "mails": (0, len(composition.mails)),
        },
        note=f"{label}; {len(composition.mails)} mails; {'essential' if essential else 'non-essential'}",
    )
    return batch
