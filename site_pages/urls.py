from django.urls import path

from site_pages import views

app_name = "site_pages"
urlpatterns = [
    path("chair/statistics/", views.statistics, name="statistics"),
]
