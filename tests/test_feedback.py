"""``refusal_as_message``: a service's refusal becomes an error message; nothing else is hidden."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from mlsys_conf.feedback import refusal_as_message


def posted() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def shown(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in messages.get_messages(request)]


def test_a_refusal_is_shown_and_the_success_message_is_not_reached() -> None:
    request = posted()
    with refusal_as_message(request):
        raise ValidationError(["Too late.", "Ask the chairs."])
        messages.success(request, "Done.")  # type: ignore[unreachable]
    assert shown(request) == [(messages.ERROR, "Too late. Ask the chairs.")]


def test_without_a_refusal_only_the_success_message_is_shown() -> None:
    request = posted()
    with refusal_as_message(request):
        messages.success(request, "Done.")
    assert shown(request) == [(messages.SUCCESS, "Done.")]


def test_other_errors_are_not_turned_into_messages() -> None:
    request = posted()
    with pytest.raises(PermissionDenied), refusal_as_message(request):
        raise PermissionDenied("Only the chairs.")
    assert shown(request) == []
