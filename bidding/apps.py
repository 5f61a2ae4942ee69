from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "bidding"
    verbose_name = "Bidding and affinity"

    def ready(self) -> None:
        from bidding import receivers  # noqa: F401  (connects the signals: affinities at once)
