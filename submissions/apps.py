from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions"

    def ready(self) -> None:
        from allauth.account.models import EmailAddress

        from conferences.access import register_facts
        from submissions import policy, receivers  # noqa: F401  (registers the rules, connects the signals)
        from submissions.models import Author, Conflict
        from submissions.selectors import authorship_facts, conflict_facts

        register_facts("authorship", authorship_facts, changed_by=[Author, EmailAddress])
        register_facts("conflicts", conflict_facts, changed_by=[Conflict])

        from submissions import recipients

        recipients.register()  # the composer's recipient sets
