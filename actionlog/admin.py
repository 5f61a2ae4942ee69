from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from actionlog.models import Action


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the services, never by hand."""

    list_display = ("created_at", "edition", "actor", "action", "target_label", "paper_id")
    list_filter = ("edition", "action")
    search_fields = ("action", "target_label", "actor__email", "person__email")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
