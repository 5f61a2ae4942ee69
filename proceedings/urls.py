from django.urls import path

from proceedings import views

app_name = "proceedings"
urlpatterns = [
    path("proceedings/", views.dashboard, name="dashboard"),
    path("proceedings/build/", views.build, name="build"),
    path("proceedings/builds/<int:build_id>/status/", views.build_status, name="status"),
    path("proceedings/builds/<int:build_id>/download/", views.build_download, name="download"),
]
