from django.urls import path

from actionlog import views

app_name = "actionlog"
urlpatterns = [path("chair/log/", views.action_log, name="log")]
