"""The program: rooms, sessions and the papers placed in them (the chairs' draft), and the
published versions of it that the public program, its exports and the proceedings read.

Layer: above ``camera_ready``; below ``proceedings``.
"""

from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Schedule and public program"

    def ready(self) -> None:
        from program import policy  # noqa: F401  (registers the rules)
        from program.dashboard import register_panels

        register_panels()
