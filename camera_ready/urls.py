from django.urls import path

from camera_ready import views

app_name = "camera_ready"
urlpatterns = [
    path("submissions/<int:number>/camera-ready/", views.author_page, name="author"),
    path("submissions/<int:number>/camera-ready/confirm/", views.confirm, name="confirm"),
    path("submissions/<int:number>/camera-ready/licence/", views.licence, name="licence"),
    path("submissions/<int:number>/camera-ready/upload/", views.upload, name="upload"),
    path("submissions/<int:number>/camera-ready/final.pdf", views.final_pdf, name="pdf"),
    path("camera-ready/", views.chairs_page, name="chairs"),
    path("camera-ready/settings/", views.settings_save, name="settings"),
    path("camera-ready/camera-ready.csv", views.export_csv, name="export_csv"),
]
