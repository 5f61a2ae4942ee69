"""Roles and invitations in the admin, read-only: the chairs' committee page changes them
through the services, which check who may and log it."""

from django.contrib import admin

from committees.models import Invitation
from conferences.models import Role
from mlsys_conf.admin import ReadOnlyAdminMixin


@admin.register(Role)
class RoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "area", "max_load", "edition", "created_at")
    list_filter = ("edition", "kind", "area")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("email", "kind", "area", "status", "edition", "sent_at", "last_reminded_at", "answered_at")
    list_filter = ("edition", "kind", "area", "status")
    search_fields = ("email", "name")
    readonly_fields = ("token", "created_at", "sent_at", "answered_at", "last_reminded_at", "reminder_count")
