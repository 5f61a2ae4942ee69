"""The demo's published program (``seed_demo --phase program``): sixteen accepted papers, the
camera-ready done but paper #1's licence, released badges on three papers, two published versions
with a change log and one change not published; a second run creates nothing; a visitor reads the
schedule, a paper page with its badges and the exports; the chair sees the unpublished change;
the demo author sees what paper #1 still misses."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import User
from camera_ready.models import FinalVersion
from conferences.models import Edition
from program.models import ProgramSession, ProgramVersion
from program.publishing import unpublished_changes
from site_pages.demo import seed_demo
from site_pages.demo_program import PROGRAM_SLUG
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def test_the_program_phase_is_seeded_once_and_published() -> None:
    seed_demo(papers=2, program_phase=True)
    edition = Edition.objects.get(slug=PROGRAM_SLUG)
    versions = list(ProgramVersion.objects.filter(edition=edition).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert any("renamed" in change for change in versions[1].changes)
    assert unpublished_changes(edition)  # the builder has something to publish
    snapshot = versions[1].snapshot
    assert len(snapshot["papers"]) == 16
    assert sum(1 for paper in snapshot["papers"].values() if paper["badges"]) == 3
    assert all(paper["pdf"] for paper in snapshot["papers"].values())
    finals = FinalVersion.objects.filter(submission__edition=edition)
    assert finals.filter(licence="").values_list("submission__number", flat=True).get() == 1
    models = (ProgramVersion, ProgramSession, FinalVersion)
    before = {model: model.objects.count() for model in models}
    assert seed_demo(papers=2, program_phase=True).created == []
    assert before == {model: model.objects.count() for model in models}

    visitor = Client()
    schedule = visitor.get(f"/{PROGRAM_SLUG}/program/")
    assert schedule.status_code == 200
    assert "Opening keynote" in schedule.content.decode()
    badged = next(paper for paper in snapshot["papers"].values() if paper["badges"])
    paper_page = visitor.get(f"/{PROGRAM_SLUG}/program/papers/{badged['number']}/").content.decode()
    assert badged["title"] in paper_page
    assert "Artifacts Available" in paper_page
    exported = json.loads(visitor.get(f"/{PROGRAM_SLUG}/program/program.json").content)
    assert len(exported["papers"]) == 16
    assert visitor.get(f"/{PROGRAM_SLUG}/program/program.ics").status_code == 200

    chair = User.objects.get(email__startswith="chair@")
    builder = client_for(chair).get(f"/{PROGRAM_SLUG}/program/builder/").content.decode()
    assert "not published" in builder
    author = User.objects.get(email__startswith="author-01@")
    own = client_for(author).get(f"/{PROGRAM_SLUG}/submissions/1/camera-ready/").content.decode()
    assert "licence" in own.lower()
