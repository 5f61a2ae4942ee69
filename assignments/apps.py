from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = "Review assignments"

    def ready(self) -> None:
        from assignments import policy  # noqa: F401  (registers the rules)
