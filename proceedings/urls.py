"""Filled in by issue 14."""

from django.urls import URLPattern, URLResolver

app_name = "proceedings"
urlpatterns: list[URLPattern | URLResolver] = []
