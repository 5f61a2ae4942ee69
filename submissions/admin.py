from django.contrib import admin

from submissions.models import Author, Submission, SubmissionFile


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    autocomplete_fields = ("user",)


class SubmissionFileInline(admin.TabularInline):
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
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "edition", "topic", "created_at", "withdrawn_at")
    list_filter = ("edition", "topic", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "abstract", "keywords", "authors__name", "authors__email")
    inlines = (AuthorInline, SubmissionFileInline)


@admin.register(SubmissionFile)
class SubmissionFileAdmin(admin.ModelAdmin):
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
    readonly_fields = ("sha256", "size", "checks")
