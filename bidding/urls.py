from django.urls import path

from bidding import views

app_name = "bidding"
urlpatterns = [
    path("pc/bids/", views.bids, name="bids"),
    path("chair/bids/", views.bid_stats, name="stats"),
    path("chair/affinity/compute/", views.affinity_compute, name="compute"),
    path("chair/affinity/<int:number>/", views.affinity_explain, name="explain"),
]
