from django.urls import path

from decisions import views

app_name = "decisions"
urlpatterns = [
    path("decisions/", views.dashboard, name="dashboard"),
    path("decisions/bulk/", views.bulk, name="bulk"),
    path("decisions/export.csv", views.export_csv, name="export_csv"),
    path("decisions/export.json", views.export_json, name="export_json"),
    path("decisions/meeting/", views.meeting, name="meeting"),
    path("decisions/meeting/state/", views.meeting_state, name="meeting_state"),
    path("decisions/meeting/control/", views.meeting_control, name="meeting_control"),
    path("decisions/meeting/decide/", views.meeting_decide, name="meeting_decide"),
]
