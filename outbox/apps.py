from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outgoing mail"

    def ready(self) -> None:
        from actionlog.selectors import register_hidden_entries
        from outbox.selectors import log_entries_about

        # A mail may be about several papers (a digest): its log entries are hidden from a chair
        # conflicted with any of them, not only with the one ``paper_id`` an entry can name.
        register_hidden_entries("outbox.mail", log_entries_about)
