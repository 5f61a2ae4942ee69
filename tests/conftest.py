"""Personas and shared fixtures (pretalx- and healthchecks-style): an edition in the middle
of its submission phase, a chair, a PC member of each half, an AE member, an author and an
outsider."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from bidding.models import Affinity
from conferences.models import Area, Deadline, Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.celery import app as celery_app
from submissions.models import Submission
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Hypothesis (tests/fuzz/test_hypothesis_*.py): the same examples on every run, so a CI failure
# reproduces; no example database, no per-example deadline (the machine is shared). Each test
# sets its own max_examples; HYPOTHESIS_PROFILE=explore draws new random examples on each run.
hypothesis_settings.register_profile(
    "mlsys",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("explore", parent=hypothesis_settings.get_profile("mlsys"), derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mlsys"))


def require_service(available: bool, what: str) -> None:
    """Skip with a reason on a developer's machine; fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available")
    pytest.skip(f"{what} is not available on this machine")


@pytest.fixture(autouse=True)
def _eager_tasks_propagate() -> Any:
    """Tasks run eagerly in tests, and their errors surface."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def retries_run_eagerly(_eager_tasks_propagate: Any) -> Any:
    """As in a local run: an eager task's retry runs again at once (with errors propagating,
    the retry itself would surface instead)."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Personas get passwords; the production hasher is the slow part of setting them up."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth keeps its rate limits in the cache: no test may inherit another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_outside_requests(settings: Any) -> None:
    """No test reaches the internet: registering an artifact would check its links (the link
    check's own tests turn it back on, against a local server)."""
    settings.ARTIFACT_LINK_CHECK = False


@pytest.fixture
def admin_user(admin_user: Any) -> Any:
    """pytest-django's superuser, with a verified address: no account signs in without one."""
    EmailAddress.objects.get_or_create(
        user=admin_user, email=admin_user.email, defaults={"verified": True, "primary": True}
    )
    return admin_user


@pytest.fixture
def edition(db: Any) -> Edition:
    """An edition whose abstract and paper phases are open, the rest still to come."""
    edition = EditionFactory(slug="mlsys2027", name="MLSys 2027")
    now = timezone.now()
    for phase, days in [
        (Phase.ABSTRACT_REGISTRATION, 3),
        (Phase.PAPER_SUBMISSION, 10),
        (Phase.BIDDING, 20),
        (Phase.REVIEWING, 50),
        (Phase.NOTIFICATION, 80),
    ]:
        Deadline.objects.create(edition=edition, phase=phase, closes_at=now + timedelta(days=days))
    return edition


@pytest.fixture
def chair(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair@example.org").user


@pytest.fixture
def pc_systems(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS, user__email="sys@example.org").user


@pytest.fixture
def pc_ml(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.ML, user__email="ml@example.org").user


@pytest.fixture
def ae_member(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user__email="ae@example.org").user


@pytest.fixture
def author(db: Any) -> Any:
    return UserFactory(email="author@example.org")


@pytest.fixture
def outsider(db: Any) -> Any:
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def submission(edition: Edition, author: Any) -> Submission:
    submission = SubmissionFactory(edition=edition, number=1, title="Fast Sparse Attention Kernels")
    AuthorFactory(submission=submission, position=1, name=author.display_name, email=author.email, user=author)
    AuthorFactory(submission=submission, position=2, name="Co Author", email="coauthor@example.org")
    return submission


# A small committee to assign: 3 papers, 3 Systems and 3 ML PC members (max load 2), and
# affinities that make member i of each half the best match for paper i.
@pytest.fixture
def pc(edition: Any) -> dict[str, list[Any]]:
    members: dict[str, list[Any]] = {Area.SYSTEMS: [], Area.ML: []}
    for area in (Area.SYSTEMS, Area.ML):
        for i in range(3):
            role = RoleFactory(
                edition=edition,
                kind=RoleKind.PC_MEMBER,
                area=area,
                max_load=2,
                user__email=f"{area}{i}@pc{i}.example.net",
                user__affiliation=f"Lab {area} {i}",
            )
            members[area].append(role.user)
    return members


@pytest.fixture
def papers(edition: Any, pc: dict[str, list[Any]]) -> list[Submission]:
    result = []
    for number in (1, 2, 3):
        submission = SubmissionFactory(edition=edition, number=number, title=f"Paper {number}")
        AuthorFactory(submission=submission, position=1, email=f"author{number}@uni{number}.example.org")
        result.append(submission)
    # Member i of each area fits paper i best.
    for area_members in pc.values():
        for i, member in enumerate(area_members):
            for j, paper in enumerate(result):
                Affinity.objects.create(submission=paper, user=member, score=0.9 if i == j else 0.1)
    return result
