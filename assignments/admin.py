"""The Django admin's read-only view of assignments and solver runs: they change only through
:mod:`assignments.services`, which check who may make the change and log it."""

from __future__ import annotations

from django.contrib import admin

from assignments.models import Assignment, AssignmentRun
from mlsys_conf.admin import ReadOnlyAdminMixin


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("submission", "user", "kind", "source", "is_committed", "created_at", "committed_at")
    list_filter = ("kind", "is_committed", "source", "submission__edition")
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user", "created_by")


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("edition", "status", "progress", "objective", "proven_optimal", "solve_seconds", "created_at")
    list_filter = ("edition", "status", "fair")
    readonly_fields = ("created_at", "finished_at")
