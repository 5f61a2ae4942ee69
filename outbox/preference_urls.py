"""Everyone's mail preference (in the profile) and the signed unsubscribe link (no login)."""

from django.urls import path

from outbox import views

app_name = "mail_preferences"
urlpatterns = [
    path("", views.mail_preference, name="preference"),
    path("unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
]
