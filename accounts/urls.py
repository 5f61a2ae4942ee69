from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.token_create, name="token_create"),
    path("publications/import/", views.publications_import, name="publications_import"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
