"""What one user is to one edition, loaded once: the :class:`Access` object (HotCRP's central
permission facts).

An Access holds the user's roles in the edition, whether they chair it, the papers they wrote,
the papers they are conflicted with (and which of those conflicts they may be shown) and the
papers assigned to them, by kind. Policy functions ask it instead of querying per check.

The core loads the roles itself (one query on :class:`conferences.models.Role`); the other facts
come from the apps that own them: each registers a *fact provider* in its ``AppConfig.ready()``
(:func:`register_facts`). A provider runs one query, so building an Access costs a fixed number
of queries whatever the numbers of papers, roles and conflicts. This module depends on nothing
above the core. Who holds which kind of role is answered here (:func:`holds_any`, :func:`is_on_pc`
and kin), from the Access.

Within a request (see :class:`conferences.middleware.AccessMiddleware`), a Celery task, or any
:func:`access_scope`, :func:`access_for` builds each (user, edition) once; services that change
roles, conflicts, assignments or authorship call :func:`forget_access` (saving or deleting the
models a provider names does so by itself). Outside a scope every call loads fresh facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, TypedDict

from celery.signals import task_postrun, task_prerun
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from conferences.models import Edition, Role
from conferences.roles import RoleKind

REVIEW = "review"  # the kind of an assignment when no other is named


class Facts(TypedDict, total=False):
    """What one provider contributes to an Access."""

    authored: frozenset[int]
    conflicted: frozenset[int]
    conflicted_visible: frozenset[int]
    assigned: Mapping[str, frozenset[int]]
    reviewed: frozenset[int]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per user, edition and scope
class Access:
    """The facts about ``user`` in ``edition``. Paper arguments are submissions (or anything
    with a ``pk``); role kinds are values of ``conferences.roles.RoleKind``, whose capabilities
    (:func:`holds_any`) say what a role means."""

    user: Any
    edition: Edition
    roles: frozenset[str] = frozenset()
    is_chair: bool = False
    authored: frozenset[int] = frozenset()
    conflicted: frozenset[int] = frozenset()  # every conflict, hidden-from-member ones too
    conflicted_visible: frozenset[int] = frozenset()  # the conflicts the member may be shown
    assigned: Mapping[str, frozenset[int]] = field(default_factory=dict)
    reviewed: frozenset[int] = frozenset()  # papers the user has submitted a review of

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def pk(self) -> int | None:
        return getattr(self.user, "pk", None)

    def has_role(self, *kinds: str) -> bool:
        return not self.roles.isdisjoint(kinds)

    def is_author(self, paper: Any) -> bool:
        return paper.pk in self.authored

    def is_conflicted(self, paper: Any) -> bool:
        """Any conflict with the paper, including ones the member is not shown."""
        return paper.pk in self.conflicted

    def sees_conflict(self, paper: Any) -> bool:
        """A conflict with the paper that the member is shown."""
        return paper.pk in self.conflicted_visible

    def is_assigned(self, paper: Any, kind: str | None = None) -> bool:
        """Assigned the paper (committed), of ``kind`` or of any kind."""
        if kind is not None:
            return paper.pk in self.assigned.get(kind, frozenset())
        return any(paper.pk in ids for ids in self.assigned.values())

    def has_reviewed(self, paper: Any) -> bool:
        """Submitted a review (or meta-review) of the paper."""
        return paper.pk in self.reviewed

    def manages(self, paper: Any) -> bool:
        """A chair handles the paper unless conflicted with it (then another chair does)."""
        return self.is_chair and not self.is_conflicted(paper)


FactProvider = Callable[[Any, Edition], Facts]
_PROVIDERS: dict[str, FactProvider] = {}


def register_facts(name: str, provider: FactProvider, *, changed_by: Iterable[type[Model]] = ()) -> None:
    """Add a provider (one query, for a signed-in user); saving or deleting any model of
    ``changed_by`` forgets the Access objects of the current scope."""
    _PROVIDERS[name] = provider
    for model in changed_by:
        _forget_when_changed(model, name)


def _forget_when_changed(model: type[Model], name: str) -> None:
    post_save.connect(_forget_on_change, sender=model, dispatch_uid=f"access-{name}-{model.__name__}-save")
    post_delete.connect(_forget_on_change, sender=model, dispatch_uid=f"access-{name}-{model.__name__}-delete")


def _forget_on_change(**kwargs: Any) -> None:
    forget_access()


_forget_when_changed(Role, "roles")


def _build(user: Any, edition: Edition) -> Access:
    if not getattr(user, "is_authenticated", False):
        return Access(user=user, edition=edition)
    roles = frozenset(Role.objects.filter(edition=edition, user=user).values_list("kind", flat=True))
    facts: Facts = {}
    for provider in _PROVIDERS.values():
        facts.update(provider(user, edition))
    return Access(
        user=user,
        edition=edition,
        roles=roles,
        is_chair=bool(getattr(user, "is_superuser", False)) or any(RoleKind(kind).is_chair for kind in roles),
        authored=facts.get("authored", frozenset()),
        conflicted=facts.get("conflicted", frozenset()),
        conflicted_visible=facts.get("conflicted_visible", frozenset()),
        assigned=facts.get("assigned", {}),
        reviewed=facts.get("reviewed", frozenset()),
    )


_Memo = dict[tuple[int, int], Access]
_memo: ContextVar[_Memo | None] = ContextVar("mlsys_access_memo", default=None)


_scope_values: ContextVar[dict[str, Any] | None] = ContextVar("mlsys_scope_values", default=None)


@contextmanager
def access_scope() -> Iterator[None]:
    """Within the block, each (user, edition) Access is built once (and :func:`scope_values`
    keeps other per-request memos)."""
    token = _memo.set({})
    values_token = _scope_values.set({})
    try:
        yield
    finally:
        _scope_values.reset(values_token)
        _memo.reset(token)


def scope_values() -> dict[str, Any] | None:
    """A dict that lives as long as the current :func:`access_scope` (a request), for other
    facts read once per request; None outside a scope."""
    return _scope_values.get()


_task_scopes: dict[str, Token[_Memo | None]] = {}


def _open_task_scope(task_id: str | None = None, **kwargs: Any) -> None:
    """A Celery task gets its own scope, unless it runs eagerly inside one (a request's)."""
    if task_id is not None and _memo.get() is None:
        _task_scopes[task_id] = _memo.set({})


def _close_task_scope(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_scopes.pop(task_id, None) if task_id is not None else None
    if token is not None:
        _memo.reset(token)


task_prerun.connect(_open_task_scope, dispatch_uid="access-task-scope-open")
task_postrun.connect(_close_task_scope, dispatch_uid="access-task-scope-close")


def access_for(user: Any, edition: Edition) -> Access:
    """The Access of ``user`` in ``edition``: no query for anonymous users, a fixed number
    otherwise, and none again within the same scope."""
    memo = _memo.get()
    if memo is None or not getattr(user, "is_authenticated", False):
        return _build(user, edition)
    key = (user.pk, edition.pk)
    if key not in memo:
        memo[key] = _build(user, edition)
    return memo[key]


def forget_access(user: Any = None) -> None:
    """Drop the memoised Access objects of ``user`` (of everyone when None) in this scope."""
    memo = _memo.get()
    if memo is None:
        return
    if user is None:
        memo.clear()
        return
    for key in [key for key in memo if key[0] == user.pk]:
        del memo[key]


def access_of(subject: Any, edition: Edition) -> Access:
    """What policy functions take: an Access for ``edition``, or a user to build one for."""
    if isinstance(subject, Access):
        return subject if subject.edition.pk == edition.pk else access_for(subject.user, edition)
    return access_for(subject, edition)


def user_of(subject: Any) -> Any:
    """The user behind ``subject`` (an Access or a user)."""
    return subject.user if isinstance(subject, Access) else subject


def kinds_held(subject: Any, edition: Edition) -> frozenset[RoleKind]:
    """The kinds of role ``subject`` (a user or their Access) holds in ``edition``."""
    return frozenset(RoleKind(kind) for kind in access_of(subject, edition).roles)


def holds_any(subject: Any, edition: Edition, capability: str) -> bool:
    """Whether one of the subject's roles in ``edition`` has ``capability`` (e.g. ``"bids"``)."""
    return any(getattr(kind, capability) for kind in kinds_held(subject, edition))


def is_pc_chair(subject: Any, edition: Edition) -> bool:
    return access_of(subject, edition).is_chair


def is_on_pc(subject: Any, edition: Edition) -> bool:
    return holds_any(subject, edition, "on_pc")


def is_on_ae(subject: Any, edition: Edition) -> bool:
    return holds_any(subject, edition, "on_ae")
