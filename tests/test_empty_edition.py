"""Empty editions, empty committees and empty inputs: every job and every chair page copes.

An edition with a chair and nothing else (no PC, no papers; with no deadlines, with every phase
open, with every phase just closed) runs every periodic job and every task that takes an
edition without an exception, and every page of the chair menu answers 200.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from conferences.chair_menu import CHAIR_MENU
from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.celery import PERIODIC_JOBS, app
from tests.factories.committees import RoleFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent

SHAPES = ("no deadlines", "every phase open", "every phase just closed")


@pytest.fixture(params=SHAPES)
def empty_edition(request: pytest.FixtureRequest) -> Edition:
    """An edition with no PC, no papers and (per shape) no deadlines or every phase open or closed."""
    edition = Edition.objects.create(slug="mlsys2040", name="MLSys 2040", time_zone="America/Los_Angeles")
    assert not edition.deadlines.exists()
    now = timezone.now()
    if request.param == "every phase open":
        for phase in Phase.ordered():
            Deadline.objects.create(
                edition=edition, phase=phase, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=12)
            )
    elif request.param == "every phase just closed":
        for phase in Phase.ordered():
            Deadline.objects.create(
                edition=edition, phase=phase, opens_at=now - timedelta(days=1), closes_at=now - timedelta(hours=1)
            )
    return edition


@pytest.fixture
def empty_chair(empty_edition: Edition) -> Any:
    return RoleFactory(edition=empty_edition, kind=RoleKind.PC_CHAIR, user__email="chair@example.org").user


def _task(dotted: str) -> Any:
    module, name = dotted.rsplit(".", 1)
    return getattr(import_module(module), name)


@pytest.mark.parametrize("job", sorted(PERIODIC_JOBS))
def test_every_periodic_job_runs_on_an_empty_edition(job: str, empty_edition: Edition, empty_chair: Any) -> None:
    task_name = PERIODIC_JOBS[job][0]
    assert task_name in app.conf.beat_schedule[job]["task"]
    _task(task_name).delay().get()  # eager, propagating: an exception fails the test


EDITION_TASKS = (
    "assignments.tasks.notify_reviewers",
    "bidding.tasks.complete_member_affinity",
    "bidding.tasks.compute_affinity",
    "submissions.tasks.refresh_edition_conflicts",
)


def _arguments(task_name: str, edition: Edition, chair: Any) -> tuple[Any, ...]:
    """The arguments an empty edition gives each task of EDITION_TASKS."""
    return {
        "assignments.tasks.notify_reviewers": (edition.pk, [], 1),
        "bidding.tasks.complete_member_affinity": (edition.pk, chair.pk),
        "bidding.tasks.compute_affinity": (edition.pk,),
        "submissions.tasks.refresh_edition_conflicts": (edition.pk,),
    }[task_name]


@pytest.mark.parametrize("task_name", EDITION_TASKS)
def test_every_task_taking_an_edition_runs_on_an_empty_edition(
    task_name: str, empty_edition: Edition, empty_chair: Any
) -> None:
    _task(task_name).delay(*_arguments(task_name, empty_edition, empty_chair)).get()


def test_every_task_taking_an_edition_is_listed() -> None:
    """A new task whose first argument is an edition must be added to EDITION_TASKS."""
    for config in django_apps.get_app_configs():
        if config.path.startswith(str(BASE_DIR)) and (Path(config.path) / "tasks.py").exists():
            import_module(f"{config.name}.tasks")
    found = {
        name
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
        and next(iter(p for p in inspect.signature(task.run).parameters if p != "self"), None) == "edition_id"
    }
    assert "bidding.tasks.compute_affinity" in found
    assert found <= set(EDITION_TASKS), found - set(EDITION_TASKS)


@pytest.mark.parametrize(("label", "url_name"), CHAIR_MENU)
def test_every_chair_page_answers_on_an_empty_edition(
    label: str, url_name: str, empty_edition: Edition, empty_chair: Any
) -> None:
    response = client_for(empty_chair).get(reverse(url_name, kwargs={"edition_slug": empty_edition.slug}))
    assert response.status_code == 200, label


def test_the_home_page_answers_a_chair_of_an_empty_edition(empty_edition: Edition, empty_chair: Any) -> None:
    assert client_for(empty_chair).get(reverse("home")).status_code == 200
