from django.urls import path

from assignments import views

app_name = "assignments"
urlpatterns = [
    path("chair/assignments/", views.dashboard, name="dashboard"),
    path("chair/assignments/run/", views.run_start, name="run"),
    path("chair/assignments/add/", views.assignment_add, name="add"),
    path("chair/assignments/swap/", views.assignment_swap, name="swap"),
    path("chair/assignments/commit/", views.commit, name="commit"),
    path("chair/assignments/<int:assignment_id>/remove/", views.assignment_remove, name="remove"),
]
