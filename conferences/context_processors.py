from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def edition(request: HttpRequest) -> dict[str, Any]:
    """The edition of an edition-scoped page, for the navigation bar."""
    return {"edition": getattr(request, "edition", None)}
