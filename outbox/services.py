"""Queue mail, hold it in batches for the chairs, and keep each edition's mail templates.

Queueing is a row; sending (:mod:`outbox.sending`) claims the row with one UPDATE. Mail queued
in a batch is held until a chair releases the batch. Every other app sends mail through
:func:`mail_queue` / :func:`mail_queue_template` and reads it through :mod:`outbox.selectors`.

Each mail names the submissions it is about (``about=``: one paper, several for a digest, or
``None``): :func:`mail_queue_template` has no default for it, so no call site can forget, and
the chairs conflicted with any of them never read the mail (:func:`outbox.selectors.mails_of`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionlog.services import changed_fields, record_action
from conferences.models import Edition
from mlsys_conf.policy import require
from outbox.models import BatchStatus, Mail, MailBatch, MailPaper, MailStatus, MailTemplate
from outbox.policy import can_manage_mail
from outbox.rendering import default_text, render_checked, render_mail, sample_context, template_keys
from outbox.selectors import fitted_key, single_paper_id
from outbox.tasks import send_mail

log = logging.getLogger(__name__)

# What a mail is about: a submission (anything with a ``pk``) or its id, several of them, or None.
About: TypeAlias = Any


def paper_ids_of(about: About) -> list[int]:
    """The ids of the submissions ``about`` names, each once, in order."""
    if about is None:
        return []
    items = about if isinstance(about, Iterable) and not isinstance(about, str | bytes) else [about]
    ids = (item if isinstance(item, int) else getattr(item, "pk", None) for item in items)
    return list(dict.fromkeys(int(pk) for pk in ids if pk is not None))


def _send_after_commit(mail_ids: Iterable[int]) -> None:
    ids = list(mail_ids)
    transaction.on_commit(lambda: [send_mail.delay(mail_id) for mail_id in ids])


def mail_queue(
    *,
    to_email: str,
    subject: str,
    body: str,
    html_body: str = "",
    to_user: Any = None,
    edition: Any = None,
    dedupe_key: str | None = None,
    batch: MailBatch | None = None,
    essential: bool = True,
    about: About = None,
) -> Mail:
    """Store a mail and send it once the transaction commits; in a ``batch``, hold it until
    a chair releases the batch. A mail that is not ``essential`` (an announcement) is not sent
    to whoever opted out of such mail. ``about``: the submission(s) the mail is about (see
    :func:`paper_ids_of`); chairs conflicted with one of them are not shown the mail.

    With a ``dedupe_key`` already used, the existing row is returned and nothing is queued.
    """
    if batch is not None and batch.status != BatchStatus.HELD:
        state = batch.get_status_display().lower()
        raise ValidationError(f"The batch {batch.name} is {state}; add no more mail to it.")
    dedupe_key = fitted_key(dedupe_key) if dedupe_key else None
    if dedupe_key:
        existing = Mail.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            mail = Mail.objects.create(
                to_email=to_email,
                to_user=to_user,
                subject=subject[:300],
                body=body,
                html_body=html_body,
                edition=batch.edition if batch is not None else edition,
                dedupe_key=dedupe_key or None,
                batch=batch,
                status=MailStatus.HELD if batch is not None else MailStatus.QUEUED,
                essential=essential,
            )
            MailPaper.objects.bulk_create(MailPaper(mail=mail, paper_id=pk) for pk in paper_ids_of(about))
    except IntegrityError:
        # Another process queued the same key in the meantime.
        return Mail.objects.get(dedupe_key=dedupe_key)
    if batch is None:
        _send_after_commit([mail.pk])
    return mail


def mail_queue_template(
    template: str,
    context: dict[str, Any],
    *,
    to_email: str,
    about: About,
    batch: MailBatch | None = None,
    **kwargs: Any,
) -> Mail:
    """Queue the mail ``template`` (e.g. ``bidding/mail/few_bids``) rendered with ``context``: the
    edition's own wording if the chairs wrote one, else ``<template>_subject.txt`` and
    ``<template>_body.txt``. ``about`` (no default: say ``None`` for a mail about no paper) is
    the submission or submissions it is about.

    Mail is plain text: nothing is HTML-escaped (a title with ``<b>`` stays as typed)."""
    edition = batch.edition if batch is not None else kwargs.get("edition")
    subject, body = render_mail(template, context, edition)
    return mail_queue(to_email=to_email, subject=subject, body=body, batch=batch, about=about, **kwargs)


# --- Held batches ----------------------------------------------------------------------------


@transaction.atomic
def mail_batch_create(*, edition: Edition, name: str, by: Any) -> MailBatch:
    """A new, empty batch: what is queued in it waits for a chair to release it."""
    require(can_manage_mail(by, edition))
    batch = MailBatch.objects.create(edition=edition, name=name[:200], created_by=by)
    record_action(
        edition=edition,
        actor=by,
        action="mail.batch_created",
        target=batch,
        changes={"name": (None, batch.name), "status": (None, batch.status)},
    )
    return batch


def _settle_batch(batch: MailBatch, *, by: Any, status: BatchStatus, mail_status: MailStatus) -> list[int]:
    """Move a held batch and its held mail to ``status`` once, however many requests try (one
    conditional UPDATE claims it); returns the ids of the mail moved."""
    require(can_manage_mail(by, batch.edition))
    claimed = MailBatch.objects.filter(pk=batch.pk, status=BatchStatus.HELD).update(
        status=status, released_by=by, released_at=timezone.now()
    )
    batch.refresh_from_db()
    if not claimed:
        raise ValidationError(f"The batch {batch.name} is already {batch.get_status_display().lower()}.")
    held = list(batch.mails.filter(status=MailStatus.HELD).values_list("pk", flat=True))
    Mail.objects.filter(pk__in=held, status=MailStatus.HELD).update(status=mail_status)  # not one removed meanwhile
    record_action(
        edition=batch.edition,
        actor=by,
        action=f"mail.batch_{status}",
        target=batch,
        changes={"status": (BatchStatus.HELD.value, str(status))},
        note=f"{len(held)} mail{'s' if len(held) != 1 else ''}",
    )
    return held


@transaction.atomic
def mail_batch_release(*, batch: MailBatch, by: Any) -> int:
    """Send the batch's held mail (after the commit); a second release is refused and sends
    nothing. Returns how many mails go out."""
    released = _settle_batch(batch, by=by, status=BatchStatus.RELEASED, mail_status=MailStatus.QUEUED)
    _send_after_commit(released)
    return len(released)


@transaction.atomic
def mail_batch_cancel(*, batch: MailBatch, by: Any) -> int:
    """Drop a held batch: none of its mail is sent. Returns how many mails were dropped."""
    return len(_settle_batch(batch, by=by, status=BatchStatus.CANCELLED, mail_status=MailStatus.CANCELLED))


def _held(mail: Mail, by: Any) -> Mail:
    """The mail, locked, once ``by`` may change it and it is still held."""
    mail = Mail.objects.select_for_update(of=("self",)).select_related("edition").get(pk=mail.pk)
    require(can_manage_mail(by, mail.edition))
    if mail.status != MailStatus.HELD:
        raise ValidationError(f"This mail is {mail.get_status_display().lower()}; only held mail can be changed.")
    return mail


def _log_held_change(mail: Mail, by: Any, action: str, changes: dict[str, tuple[Any, Any]]) -> None:
    record_action(
        edition=mail.edition,
        actor=by,
        action=action,
        target=mail,
        paper_id=single_paper_id(mail),
        person=mail.to_user,
        changes=changes,
    )


@transaction.atomic
def mail_edit(*, mail: Mail, by: Any, subject: str, body: str) -> Mail:
    """Change the subject and body of a held mail (before its batch is released)."""
    mail = _held(mail, by)
    before = {"subject": mail.subject, "body": mail.body}
    mail.subject, mail.body = " ".join(subject.split())[:300], body
    mail.save(update_fields=["subject", "body"])
    _log_held_change(mail, by, "mail.edited", changed_fields(mail, before, ["subject", "body"]))
    return mail


@transaction.atomic
def mail_remove(*, mail: Mail, by: Any) -> Mail:
    """Take a held mail out of its batch: it will not be sent."""
    mail = _held(mail, by)
    mail.status = MailStatus.CANCELLED
    mail.save(update_fields=["status"])
    _log_held_change(mail, by, "mail.removed", {"status": (MailStatus.HELD.value, MailStatus.CANCELLED.value)})
    return mail


# --- The edition's mail templates ------------------------------------------------------------


def _known_key(key: str) -> None:
    if key not in template_keys():
        raise ValidationError({"key": f"There is no mail called {key}."})


@transaction.atomic
def mail_template_save(*, edition: Edition, key: str, subject: str, body: str, by: Any) -> MailTemplate:
    """The edition's own wording of mail ``key``; refused with the error when it does not render."""
    require(can_manage_mail(by, edition))
    _known_key(key)
    render_checked(subject, body, sample_context(edition))
    current = MailTemplate.objects.filter(edition=edition, key=key).first()
    old_subject, old_body = (current.subject, current.body) if current else default_text(key)
    before = {"subject": old_subject, "body": old_body}
    template, _created = MailTemplate.objects.update_or_create(
        edition=edition, key=key, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    record_action(
        edition=edition,
        actor=by,
        action="mail.template_saved",
        target=template,
        changes=changed_fields(template, before, ["subject", "body"]),
    )
    return template


@transaction.atomic
def mail_template_reset(*, edition: Edition, key: str, by: Any) -> bool:
    """Back to the default wording of mail ``key``. Returns whether there was an own wording."""
    require(can_manage_mail(by, edition))
    _known_key(key)
    template = MailTemplate.objects.filter(edition=edition, key=key).first()
    if template is None:
        return False
    record_action(edition=edition, actor=by, action="mail.template_reset", target=template, note=key)
    template.delete()
    return True
