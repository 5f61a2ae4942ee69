from django.apps import AppConfig


class ActionLogConfig(AppConfig):
    name = "actionlog"
    verbose_name = "Action log"
