"""Artifact evaluation: the AE committee's work on accepted papers' artifacts.

Layer: above ``decisions``; below ``program``.
"""

from django.apps import AppConfig


class ArtifactsConfig(AppConfig):
    name = "artifacts"
    verbose_name = "Artifact evaluation"

    def ready(self) -> None:
        from artifacts import policy  # noqa: F401  (registers the rules)
        from artifacts.dashboard import register_panels

        register_panels()
