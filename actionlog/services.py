"""Recording actions. Called by the services that change state, inside their transaction, so an
action is logged exactly when its change is committed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from actionlog.models import Action
from conferences.models import Edition


def _plain(value: Any) -> Any:
    """A JSON-safe copy (dates as ISO 8601, model instances as their primary key)."""
    if isinstance(value, models.Model):
        return value.pk
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record_action(
    *,
    edition: Edition | None,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    paper_id: int | None = None,
    person: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    note: str = "",
) -> Action:
    """Log that ``actor`` (``None`` for a job) did ``action`` to ``target``, changing ``changes``
    (``{field: (before, after)}``). ``paper_id`` ties the entry to a submission. Inside
    :func:`recording_in_bulk` the entry is stored with the others at the end of the block."""
    entry = Action(
        edition=edition,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=str(target)[:300] if target is not None else "",
        paper_id=paper_id,
        person=person if getattr(person, "pk", None) else None,
        changes={field: [_plain(before), _plain(after)] for field, (before, after) in (changes or {}).items()},
        note=note[:500],
    )
    pending = _pending.get()
    if pending is None:
        entry.save()
    else:
        pending.append(entry)
    return entry


def record_paper_action(
    paper: Any,
    *,
    actor: Any,
    action: str,
    person: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    note: str = "",
) -> Action:
    """Log ``action`` on a submission (``paper``: anything with ``edition`` and ``pk``), filed
    under that paper so chairs find it on the paper's log."""
    return record_action(
        edition=paper.edition,
        actor=actor,
        action=action,
        target=paper,
        paper_id=paper.pk,
        person=person,
        changes=changes,
        note=note,
    )


_pending: ContextVar[list[Action] | None] = ContextVar("actionlog_pending", default=None)


@contextmanager
def recording_in_bulk() -> Iterator[None]:
    """Store the entries recorded inside the block with one insert when it ends (nothing if it
    raises): for actions on many objects at once, such as committing every draft assignment."""
    pending: list[Action] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    Action.objects.bulk_create(pending)


def record_announced_action(sender: Any, **details: Any) -> None:
    """Receiver of ``conferences.signals.action_done``: the core's services log this way."""
    details.pop("signal", None)
    record_action(**details)


def changed_fields(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, tuple[Any, Any]]:
    """The ``{field: (before, after)}`` of ``fields`` whose value differs from ``before``."""
    return {f: (before[f], getattr(instance, f)) for f in fields if before.get(f) != getattr(instance, f)}
