"""The Django admin's read-only view of submissions: every change to a paper goes through
:mod:`submissions.services`, which check who may make it and log it."""

from __future__ import annotations

from django.contrib import admin

from mlsys_conf.admin import ReadOnlyAdminMixin
from submissions.models import Author, Submission, SubmissionFile


class AuthorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Author
    extra = 0


class SubmissionFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubmissionFile
    extra = 0
    fields = (
        "kind",
        "original_name",
        "sha256",
        "size",
        "page_count",
        "is_accepted",
        "uploaded_at",
    )
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "title", "edition", "topic", "state", "created_at", "withdrawn_at")
    list_filter = ("edition", "topic", "state")
    search_fields = ("title", "abstract", "keywords", "authors__name", "authors__email")
    inlines = (AuthorInline, SubmissionFileInline)


@admin.register(SubmissionFile)
class SubmissionFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "submission",
        "kind",
        "original_name",
        "size",
        "page_count",
        "is_accepted",
        "uploaded_at",
    )
    list_filter = ("kind", "is_accepted", "submission__edition")
    search_fields = ("sha256", "original_name", "submission__title")
