"""Read-only views of the outbox: mail, batches and templates change only through the services
(the chairs' outbox pages and the API), which check who asks and log what they do."""

from __future__ import annotations

from django.contrib import admin

from mlsys_conf.admin import ReadOnlyAdminMixin
from outbox.models import Mail, MailBatch, MailTemplate


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Mail)
class MailAdmin(ReadOnlyAdmin):
    list_display = (
        "subject",
        "to_email",
        "status",
        "essential",
        "attempts",
        "edition",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "essential", "edition", "batch")
    search_fields = ("to_email", "subject", "dedupe_key")


@admin.register(MailBatch)
class MailBatchAdmin(ReadOnlyAdmin):
    list_display = ("name", "edition", "status", "created_by", "created_at", "released_at")
    list_filter = ("status", "edition")


@admin.register(MailTemplate)
class MailTemplateAdmin(ReadOnlyAdmin):
    list_display = ("key", "edition", "updated_by", "updated_at")
    list_filter = ("edition",)
