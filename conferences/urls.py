from django.urls import path

from conferences import views

app_name = "conferences"
urlpatterns = [
    path("", views.edition_page, name="edition"),
    path("chair/settings/", views.edition_settings, name="settings"),
    path("chair/deadlines/", views.edition_deadlines, name="deadlines"),
    path("chair/releases/", views.edition_releases, name="releases"),
]
