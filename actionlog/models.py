"""One row per state change made by a person or a job."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from conferences.models import Edition


class Action(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, null=True, blank=True, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # empty: a job or the system
    action = models.CharField(max_length=60, help_text="What happened, e.g. conflict.added.")
    target_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True, help_text="The object as it was named then.")
    paper_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The submission the action concerns, for per-paper filtering."
    )  # a plain id, not a foreign key: the log sits below the apps that write to it
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person the action concerns, if not the actor (e.g. the PC member of a conflict).",
    )
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [before, after]}')
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=("edition", "-created_at")),
            models.Index(fields=("edition", "paper_id")),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_label}"
