"""Camera-ready: the final versions of accepted papers (PDF, metadata, licence, presenter).

Layer: above ``artifacts``; below ``program``.
"""

from django.apps import AppConfig


class CameraReadyConfig(AppConfig):
    name = "camera_ready"
    verbose_name = "Camera-ready versions"
