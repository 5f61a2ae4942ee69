from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from conferences.signals import action_done
        from decisions import (
            policy,  # noqa: F401  (registers the rules)
            recipients,
        )
        from decisions.services import on_release

        action_done.connect(on_release, dispatch_uid="decisions.on_release")
        recipients.register()  # the composer's recipient sets
