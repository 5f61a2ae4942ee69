"""WSGI entry point (gunicorn mlsys_conf.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlsys_conf.settings")
application = get_wsgi_application()
