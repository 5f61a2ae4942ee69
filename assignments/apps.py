from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = "Review assignments"

    def ready(self) -> None:
        from assignments import policy  # noqa: F401  (registers the rules)
        from assignments.models import Assignment
        from assignments.selectors import assignment_facts
        from conferences.access import register_facts

        register_facts("assignments", assignment_facts, changed_by=[Assignment])
