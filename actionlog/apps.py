from django.apps import AppConfig


class ActionLogConfig(AppConfig):
    name = "actionlog"
    verbose_name = "Action log"

    def ready(self) -> None:
        from actionlog.services import record_announced_action
        from conferences.signals import action_done

        # The core announces its changes (it may not import this app): record them.
        action_done.connect(record_announced_action, dispatch_uid="actionlog.record_announced_action")
