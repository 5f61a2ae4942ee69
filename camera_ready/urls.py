"""Filled in by issue 14."""

from django.urls import URLPattern, URLResolver

app_name = "camera_ready"
urlpatterns: list[URLPattern | URLResolver] = []
