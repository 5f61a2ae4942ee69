from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = "Conference editions and deadlines"

    def ready(self) -> None:
        from conferences import policy  # noqa: F401  (registers the rules)
        from mlsys_conf import checks  # noqa: F401  (registers the deploy checks)
