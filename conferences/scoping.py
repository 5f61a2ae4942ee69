"""Edition-scoped pages: ``/<edition_slug>/...`` resolves the edition and shows its time zone."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_POST

from conferences.models import Edition
from conferences.selectors import edition_by_slug

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def edition_view(view: Callable[..., ResponseT]) -> Callable[..., ResponseT]:
    """Resolve ``edition_slug`` (404 if unknown or hidden), show times in the edition's
    zone, and call ``view(request, edition, ...)``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, edition_slug: str, *args: Any, **kwargs: Any) -> ResponseT:
        edition: Edition = edition_by_slug(request.user, edition_slug)
        request.edition = edition  # type: ignore[attr-defined]
        with timezone.override(edition.zone):
            response = view(request, edition, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    return wrapper


def edition_action(view: Callable[..., ResponseT]) -> Callable[..., ResponseT]:
    """A form's POST target on an edition's page: POST only, signed in, edition resolved."""
    return require_POST(login_required(edition_view(view)))  # type: ignore[return-value]


class EditionScopedAPIMixin:
    """For API views under ``editions/<edition_slug>/``: the edition is the policy subject."""

    request: Any
    kwargs: dict[str, Any]

    @property
    def is_schema_generation(self) -> bool:
        """drf-spectacular builds the schema without a real request or URL."""
        return bool(getattr(self, "swagger_fake_view", False))

    def policy_subject(self) -> Edition:
        if not hasattr(self, "_edition"):
            self._edition = edition_by_slug(self.request.user, self.kwargs["edition_slug"])
        return self._edition
