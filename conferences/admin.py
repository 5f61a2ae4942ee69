from django.contrib import admin

from conferences.models import Deadline, Edition


class DeadlineInline(admin.TabularInline):
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


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("edition", "phase", "opens_at", "closes_at")
    list_filter = ("edition", "phase")
    date_hierarchy = "closes_at"
