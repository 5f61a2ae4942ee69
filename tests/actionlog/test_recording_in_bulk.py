"""Entries recorded inside ``recording_in_bulk`` are stored together, with one insert, when the
block ends, and not at all when it raises (the services' transaction rolls back anyway)."""

from __future__ import annotations

from typing import Any

import pytest

from actionlog.models import Action
from actionlog.services import record_action, recording_in_bulk

pytestmark = pytest.mark.django_db


def test_entries_are_stored_with_one_insert_at_the_end(
    edition: Any, chair: Any, django_assert_num_queries: Any
) -> None:
    with recording_in_bulk():
        for n in range(5):
            record_action(edition=edition, actor=chair, action="test.bulk", note=str(n))
        assert not Action.objects.exists()  # not yet
    assert sorted(Action.objects.values_list("note", flat=True)) == ["0", "1", "2", "3", "4"]
    with django_assert_num_queries(1), recording_in_bulk():
        for n in range(5):
            record_action(edition=edition, actor=None, action="test.bulk", note=str(n))
    record_action(edition=edition, actor=chair, action="test.single")  # outside: at once
    assert Action.objects.count() == 11


def record_then_fail(edition: Any, chair: Any) -> None:
    with recording_in_bulk():
        record_action(edition=edition, actor=chair, action="test.bulk")
        raise RuntimeError


def test_nothing_is_stored_when_the_block_raises(edition: Any, chair: Any) -> None:
    with pytest.raises(RuntimeError):
        record_then_fail(edition, chair)
    assert not Action.objects.exists()
