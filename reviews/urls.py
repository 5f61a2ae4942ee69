from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("reviews/papers/<int:number>/", views.paper, name="paper"),
    path("reviews/papers/<int:number>/<str:kind>/", views.paper_file, name="file"),
]
