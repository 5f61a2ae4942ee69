from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Schedule and public program"
