"""mlsys-conf: the project package, at both ends of the layers.

Its base modules (``policy``, ``limits``, ``api``, ``errors``, ``health``, ``templatetags``) are
the bottom: every app may import them and they import no app. ``settings``, ``urls``,
``celery``, ``wsgi`` and ``asgi`` are the top, wiring every app together.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
