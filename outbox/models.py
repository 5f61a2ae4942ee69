"""Every outgoing e-mail is first a row here, then sent by a Celery task.

A row with a ``dedupe_key`` is created once, however often the code that queues it runs, and a
sent row is never sent again: jobs that notify can run twice and still mail once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


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
    status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("status", "created_at"))]
        verbose_name_plural = "mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.status})"
