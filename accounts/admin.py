from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from accounts.models import User
from accounts.services import PERSON_FIELDS, RESEARCH_FIELDS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "email",
        "first_name",
        "last_name",
        "affiliation",
        "expertise",
        "is_staff",
        "is_active",
    )
    list_filter = ("expertise", "is_staff", "is_superuser", "is_active", "country")
    search_fields = ("email", "first_name", "last_name", "affiliation", "keywords")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": PERSON_FIELDS}),
        ("Research", {"fields": RESEARCH_FIELDS}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
