from django.contrib import admin

from assignments.models import Assignment, AssignmentRun


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("submission", "user", "source", "is_committed", "created_at", "committed_at")
    list_filter = ("is_committed", "source", "submission__edition")
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user", "created_by")


@admin.register(AssignmentRun)
class AssignmentRunAdmin(admin.ModelAdmin):
    list_display = ("edition", "status", "progress", "objective", "proven_optimal", "solve_seconds", "created_at")
    list_filter = ("edition", "status", "fair")
    readonly_fields = ("created_at", "finished_at")
