"""mlsys-conf: settings, URLs and the Celery app of the conference system."""

from .celery import app as celery_app

__all__ = ("celery_app",)
