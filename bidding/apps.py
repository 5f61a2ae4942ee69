from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "bidding"
    verbose_name = "Bidding and affinity"
