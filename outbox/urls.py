from django.urls import path

from outbox import views

app_name = "outbox"
urlpatterns = [
    path("chair/outbox/", views.mail_list, name="mail"),
    path("chair/outbox/compose/", views.compose, name="compose"),
    path("chair/outbox/batches/", views.batch_list, name="batches"),
    path("chair/outbox/batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("chair/outbox/batches/<int:batch_id>/release/", views.batch_release, name="batch_release"),
    path("chair/outbox/batches/<int:batch_id>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("chair/outbox/mail/<int:mail_id>/edit/", views.mail_edit, name="mail_edit"),
    path("chair/outbox/mail/<int:mail_id>/remove/", views.mail_remove, name="mail_remove"),
    path("chair/outbox/templates/", views.template_list, name="templates"),
    path("chair/outbox/templates/<slug:mail_app>/<slug:mail_name>/", views.template_edit, name="template"),
    path("chair/outbox/templates/<slug:mail_app>/<slug:mail_name>/reset/", views.template_reset, name="template_reset"),
]
