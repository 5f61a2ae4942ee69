from django.urls import path

from artifacts import views

app_name = "artifacts"
urlpatterns = [
    path("submissions/<int:number>/artifact/", views.author_artifact, name="author"),
    path("submissions/<int:number>/artifact/appendix/", views.appendix_upload, name="appendix_upload"),
    path("artifacts/", views.artifact_list, name="list"),
    path("artifacts/hardware/", views.own_hardware, name="hardware"),
    path("artifacts/<int:number>/", views.artifact_detail, name="detail"),
    path("artifacts/<int:number>/appendix/", views.appendix_download, name="appendix"),
]
