"""API glue: the policy as a DRF permission, errors that keep their reason, pagination."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mlsys_conf.policy import NOT_FOUND, check

# The largest id or paper number a database integer column holds (PostgreSQL's ``integer``).
DB_INTEGER_MAX = 2**31 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id or a paper number in the input: from 1 up to :data:`DB_INTEGER_MAX`, so that a huge
    number is refused with a 400 instead of overflowing in the database (SQLite raises
    ``OverflowError`` past 64 bits, e.g. in an ``IN (...)`` lookup)."""
    return serializers.IntegerField(min_value=1, max_value=DB_INTEGER_MAX, **kwargs)


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` pages of 100 by default, at most 1,000; an offset past any real list
    is treated as the end of it (no database integer overflow from a huge number)."""

    max_limit = 1000
    max_offset = DB_INTEGER_MAX

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), self.max_offset)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, but a policy refusal keeps its human reason as the ``detail``, a
    service's ValidationError (a rule that needs other rows or the clock) becomes a 400, and
    every 404 reads the same (nothing hidden behind it shows through a different message)."""
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(detail=str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)


def policy_permission(rule_name: str, *, on_object: bool = False) -> type[BasePermission]:
    """A DRF permission class that asks the named policy rule.

    Without ``on_object`` the rule is asked with the view's ``policy_subject()`` (e.g. the
    edition in the URL); with it, with each object the view returns.
    """

    class PolicyPermission(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            if on_object:
                return True
            return self._ask(request, view.policy_subject())

        def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
            return self._ask(request, obj) if on_object else True

        def _ask(self, request: Request, subject: Any) -> bool:
            verdict = check(rule_name, request.user, subject)
            if not verdict:
                if not request.user.is_authenticated:
                    raise exceptions.NotAuthenticated(verdict.reason)
                raise exceptions.PermissionDenied(verdict.reason)
            return True

    PolicyPermission.__name__ = f"Allows_{rule_name}"
    return PolicyPermission


def query_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """The query parameters of a filter form, for the API schema (described by each field's help
    text, else its label)."""
    return [
        OpenApiParameter(
            name,
            int if isinstance(field, forms.IntegerField) else str,
            description=str(field.help_text or field.label or name),
        )
        for name, field in form_class.base_fields.items()
    ]
