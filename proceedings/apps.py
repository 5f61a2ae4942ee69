"""Proceedings: the program booklet, the proceedings' front matter, the assembled proceedings
PDF and the archive of final papers, built by Celery jobs from the published program.

Layer: above ``program``; below ``site_pages``.
"""

from django.apps import AppConfig


class ProceedingsConfig(AppConfig):
    name = "proceedings"
    verbose_name = "Proceedings"

    def ready(self) -> None:
        from proceedings import policy  # noqa: F401  (registers the rules)
        from proceedings.dashboard import register_panels

        register_panels()
