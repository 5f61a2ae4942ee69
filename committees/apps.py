from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Committees and roles"

    def ready(self) -> None:
        from committees import policy, recipients  # noqa: F401  (registers the rules)

        recipients.register()  # the composer's recipient sets
