"""The shape every permission answer takes, shared by each app's ``policy.py``.

A policy function answers "may this user ...?" with a :class:`Verdict`: truthy when allowed,
falsy with a reason a person can read when not (HotCRP's ``perm_*`` with its FailureReason).
Views call :func:`require`, the API uses :class:`mlsys_conf.api.PolicyPermission`, templates
use ``{% allowed "rule_name" obj as ok %}``; all of them go through the same functions.

Refused: 404 or 403? A refusal must not tell anyone what they may not know, so the answer
never depends on whether an object they may not see exists. In this order:

1. **Anonymous visitors** are asked to sign in (pages redirect, the API answers 401/403)
   before anything is looked up.
2. **The route**: whoever may not use it at all (a PC member on a chair's route, an author
   on the bidding endpoints) gets 403 with the reason (:func:`require`), checked before any
   id in the URL is looked up, so the answer is the same for an id that exists and one that
   does not. That the route exists is no secret.
3. **The object**: whoever may use the route but may not see the object its URL names
   (another author's paper or file, a paper outside one's bidding list) gets the 404 of a
   missing object (:func:`visible_or_404`): same status, body and content type. The API
   answers every 404 with ``{"detail": "Not found."}``.
4. **The action**: whoever may see the object but not do this to it (an author editing after
   the deadline, a chair editing an author's text, bidding once bidding has closed) gets 403
   with the reason.

An invitation link's token is its credential: whoever holds it may see the invitation, and
learns why it can no longer be answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404


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


NOT_FOUND = "Not found."


def visible_or_404(verdict: Verdict) -> None:
    """Stop the request exactly as for an object that does not exist, unless the verdict
    allows: for objects the user may not see, so that a refusal does not reveal them."""
    if not verdict:
        raise Http404(NOT_FOUND)
