from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401  (connects the address signals)
