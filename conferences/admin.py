"""Editions in the admin: created and changed through the services (so the change is checked
and logged like the chairs' settings page); deadlines are read-only here, the chairs' deadlines
page sets them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from conferences import services
from conferences.forms import EditionSettingsForm
from conferences.models import Deadline, Edition
from mlsys_conf.admin import ReadOnlyAdminMixin


class DeadlineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Deadline
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "starts_on",
        "venue",
        "time_zone",
        "is_public",
        "page_limit",
    )
    list_filter = ("is_public", "time_zone")
    search_fields = ("name", "slug", "venue")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (DeadlineInline,)
    fields = ("slug", *services.EDITION_FIELDS)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """With the chairs' labels ("ML reviewers per paper", not Django's "Ml reviewers…")."""
        kwargs["labels"] = {**EditionSettingsForm.Meta.labels, **(kwargs.get("labels") or {})}
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug",) if obj is not None else ()  # the slug is in every URL of the edition

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if obj is not None else dict(self.prepopulated_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an edition's papers, reviews and log stay

    def save_model(self, request: HttpRequest, obj: Edition, form: ModelForm, change: bool) -> None:
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data}
            services.edition_update(edition=Edition.objects.get(pk=obj.pk), by=request.user, **changes)
        else:
            settings = {field: form.cleaned_data[field] for field in services.EDITION_FIELDS if field != "name"}
            created = services.edition_create(slug=obj.slug, name=obj.name, by=request.user, **settings)
            obj.pk = created.pk


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("edition", "phase", "opens_at", "closes_at")
    list_filter = ("edition", "phase")
    date_hierarchy = "closes_at"
