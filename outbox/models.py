"""Every outgoing e-mail is first a row here, then sent by a Celery task.

A row with a ``dedupe_key`` is created once, however often the code that queues it runs, and a
sent row is never sent again: jobs that notify can run twice and still mail once. Mail queued in
a :class:`MailBatch` is held until a chair releases the batch; :class:`MailTemplate` rows are an
edition's own wording of a mail, in place of the file templates. :class:`MailPaper` rows name
the submissions a mail is about, so a chair conflicted with one of them never reads it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MailStatus(models.TextChoices):
    HELD = "held", "Held"  # in a batch the chairs have not released yet
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent"  # taken out of its batch, or its batch was cancelled
    OPTED_OUT = "opted_out", "Opted out"  # non-essential, to someone who asked for no such mail


class BatchStatus(models.TextChoices):
    HELD = "held", "Held"
    RELEASED = "released", "Released"
    CANCELLED = "cancelled", "Cancelled"


class MailBatch(models.Model):
    """Mail to many (decision letters, reminders) held for the chairs to read, edit and release."""

    edition = models.ForeignKey("conferences.Edition", on_delete=models.CASCADE, related_name="mail_batches")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.HELD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # or cancelled by
    released_at = models.DateTimeField(null=True, blank=True)  # or cancelled at

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name_plural = "mail batches"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class Mail(models.Model):
    edition = models.ForeignKey(
        "conferences.Edition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
    )
    to_email = models.EmailField()
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    batch = models.ForeignKey(MailBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="mails")
    status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    essential = models.BooleanField(
        default=True,
        help_text="Decisions, deadlines, receipts: sent to everyone. Announcements are not: they are "
        "skipped for whoever asked for no non-essential mail.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("status", "created_at")),
            models.Index(fields=("sent_at",), name="outbox_mail_sent_at"),  # the rate limit's count
        ]
        verbose_name_plural = "mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.status})"


class MailPaper(models.Model):
    """The mail ``mail`` is about the submission ``paper_id`` (one row per paper: a digest or a
    reminder listing several papers has several). Chairs conflicted with any of them are not
    shown the mail, nor its entries in the action log.

    A plain id, not a foreign key, like the action log's ``paper_id``: the outbox sits below the
    submissions app, and no lower app's tables point at a higher one's."""

    mail = models.ForeignKey(Mail, on_delete=models.CASCADE, related_name="papers")
    paper_id = models.PositiveBigIntegerField(db_index=True, help_text="The submission this mail is about.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=("mail", "paper_id"), name="one_mail_paper_row")]
        verbose_name = "paper a mail is about"

    def __str__(self) -> str:
        return f"mail {self.mail_id} about paper {self.paper_id}"


class MailTemplate(models.Model):
    """An edition's wording of the mail ``key`` (e.g. ``bidding/mail/few_bids``), used instead of
    the files ``<key>_subject.txt`` and ``<key>_body.txt``."""

    edition = models.ForeignKey("conferences.Edition", on_delete=models.CASCADE, related_name="mail_templates")
    key = models.CharField(max_length=200)
    subject = models.TextField()
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("key",)
        constraints = [models.UniqueConstraint(fields=("edition", "key"), name="one_mail_template_per_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.edition})"


class MailOptOut(models.Model):
    """The owner of ``email`` (and ``user``, when the choice was made signed in) wants no
    non-essential mail: announcements queued with ``essential=False`` are not sent to them."""

    email = models.EmailField(unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="mail_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opt-out of non-essential mail"

    def __str__(self) -> str:
        return f"{self.email}: no non-essential mail"
