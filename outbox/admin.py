from django.contrib import admin

from outbox.models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "to_email",
        "status",
        "attempts",
        "edition",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "edition")
    search_fields = ("to_email", "subject", "dedupe_key")
    readonly_fields = ("created_at", "claimed_at", "sent_at")
