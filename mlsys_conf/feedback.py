"""What a form post tells the person on the next page: a service's refusal becomes an error
message instead of an error page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[None]:
    """Run the block; if it raises :class:`ValidationError`, show its messages as an error.

    End the block with the success message: it is reached only if nothing was refused.
    """
    try:
        yield
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
