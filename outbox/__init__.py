"""Every e-mail is a row first: queued at once or held in a batch for the chairs to preview,
edit and release, sent once by a Celery task, retried only on temporary errors; mail templates
are editable per edition. allauth's mail comes here too (``allauth_adapter``).

Layer: above ``accounts``; every app that mails sits above it.
"""
