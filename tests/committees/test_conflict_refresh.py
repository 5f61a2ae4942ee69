"""Automatic conflicts follow the committee: a new member, or a member's new affiliation,
is checked against the authors of every submission."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.services import profile_update
from committees.services import role_grant
from conferences.models import Area
from conferences.roles import RoleKind
from submissions.models import ConflictReason, ConflictSource
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_granting_a_pc_role_finds_domain_conflicts(
    edition: Any, submission: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submission.authors.filter(position=2).update(email="co@cs.uni.example.edu")
    colleague = UserFactory(email="prof@uni.example.edu", affiliation="Elsewhere")
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(edition=edition, user=colleague, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    conflict = submission.conflicts.get(user=colleague)
    assert (conflict.source, conflict.reason) == (ConflictSource.AUTOMATIC, ConflictReason.DOMAIN)


def test_changing_affiliation_on_the_pc_finds_conflicts_but_never_sheds_one(
    edition: Any, submission: Any, pc_ml: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for author in submission.authors.all():
        author.email = f"a{author.position}@cmu.example.edu"
        author.affiliation = "Carnegie Mellon University"
        author.save()
    assert not submission.conflicts.filter(user=pc_ml).exists()
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=pc_ml, affiliation="Carnegie Mellon University")
    conflict = submission.conflicts.get(user=pc_ml)
    assert (conflict.reason, conflict.hidden_from_member) == (ConflictReason.AFFILIATION, True)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=pc_ml, affiliation="ETH Zurich")
    assert submission.conflicts.get(user=pc_ml).reason == ConflictReason.AFFILIATION  # until a chair removes it
