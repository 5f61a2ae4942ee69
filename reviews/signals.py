"""What the review app announces, after the change is committed: notifications and digests
listen here instead of being called by the services.

``review_submitted`` / ``review_updated``: ``review`` (a :class:`reviews.models.Review`) and
``changed`` (the keys of the answers that changed; all of them on a first submission).
"""

from __future__ import annotations

from django.dispatch import Signal

review_submitted = Signal()
review_updated = Signal()
