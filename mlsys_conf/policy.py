"""The shape every permission answer takes, shared by each app's ``policy.py``.

A policy function answers "may this user ...?" with a :class:`Verdict`: truthy when allowed,
falsy with a reason a person can read when not (HotCRP's ``perm_*`` with its FailureReason).
Views call :func:`require`, the API uses :class:`mlsys_conf.api.PolicyPermission`, templates
use ``{% allowed "rule_name" obj as ok %}``; all of them go through the same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Verdict(allowed=True)


def deny(reason: str) -> Verdict:
    return Verdict(allowed=False, reason=reason)


SIGN_IN_FIRST = deny("Please sign in first.")


def when_signed_in(user: Any, allowed: bool, reason: str) -> Verdict:
    """The commonest rule: anonymous users are asked to sign in first; others are allowed when
    ``allowed``, else refused with ``reason``. ``allowed`` must be safe to work out for an
    anonymous user (role and authorship checks are: such a user has none)."""
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    return ALLOW if allowed else deny(reason)


Rule = Callable[..., Verdict]
RULES: dict[str, Rule] = {}


def rule(func: Rule) -> Rule:
    """Register a policy function under its own name, for templates and the API."""
    if func.__name__ in RULES:
        raise ValueError(f"Two policy rules are named {func.__name__}")
    RULES[func.__name__] = func
    return func


def check(name: str, user: Any, *args: Any) -> Verdict:
    try:
        func = RULES[name]
    except KeyError:
        raise LookupError(f"No policy rule named {name!r}") from None
    return func(user, *args)


class PolicyDenied(PermissionDenied):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.reason)
        self.verdict = verdict


def require(verdict: Verdict) -> None:
    """Stop the request with a 403 carrying the reason, unless the verdict allows."""
    if not verdict:
        raise PolicyDenied(verdict)
