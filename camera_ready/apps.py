"""Camera-ready: the final versions of accepted papers (PDF, metadata, licence, presenter).

Layer: above ``artifacts``; below ``program``.
"""

from django.apps import AppConfig


class CameraReadyConfig(AppConfig):
    name = "camera_ready"
    verbose_name = "Camera-ready versions"

    def ready(self) -> None:
        from camera_ready import policy  # noqa: F401  (registers the rules)
        from camera_ready.dashboard import register_panels

        register_panels()
