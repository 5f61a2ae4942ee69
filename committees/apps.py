from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Committees and roles"

    def ready(self) -> None:
        from committees import policy  # noqa: F401  (registers the rules)
        from committees.models import Role
        from committees.selectors import role_facts
        from conferences.access import register_facts

        register_facts("roles", role_facts, changed_by=[Role])
