from django.contrib import admin

from committees.models import Invitation, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "area", "max_load", "edition", "created_at")
    list_filter = ("edition", "kind", "area")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "area", "status", "edition", "sent_at", "last_reminded_at", "answered_at")
    list_filter = ("edition", "kind", "area", "status")
    search_fields = ("email", "name")
    readonly_fields = ("token", "created_at", "sent_at", "answered_at", "last_reminded_at", "reminder_count")
