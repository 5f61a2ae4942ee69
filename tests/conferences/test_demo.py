"""The demo seed: idempotent, a balanced PC, real PDFs."""

from __future__ import annotations

import hashlib
import io
import json
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from bidding.models import Affinity
from committees.models import Invitation
from committees.selectors import pc_balance
from conferences.models import Deadline, Edition, Phase, Role
from conferences.roles import RoleKind
from conferences.selectors import edition_timeline
from outbox.models import Mail
from site_pages.demo import DEMO_PASSWORD, seed_demo
from submissions.models import Submission, SubmissionFile

pytestmark = pytest.mark.django_db

MODELS = (User, EmailAddress, Edition, Deadline, Role, Invitation, Submission, SubmissionFile, Affinity, Mail)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded() -> Any:
    return seed_demo(papers=3)


def test_a_second_run_creates_nothing(seeded: Any) -> None:
    first = counts()
    assert first["Edition"] == 2
    assert first["Submission"] == 3
    assert seeded.created

    again = seed_demo(papers=3)

    assert again.created == []
    assert counts() == first


def test_the_command_says_when_there_is_nothing_to_create(seeded: Any) -> None:
    before = counts()
    out = StringIO()
    call_command("seed_demo", papers=3, stdout=out)
    assert "Nothing to create: the demo is already there." in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert counts() == before


def test_the_pc_is_split_evenly_between_systems_and_ml(seeded: Any) -> None:
    edition = Edition.objects.get(slug="mlsys2027")
    balance = pc_balance(edition)
    assert balance["Systems"] == balance["ML"] > 0
    pc = Role.objects.filter(edition=edition, kind__in=[RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR])
    assert pc.filter(area="systems").count() == pc.filter(area="ml").count()
    assert Role.objects.filter(edition=edition, kind=RoleKind.AREA_CHAIR, area="systems").count() == 1
    assert Role.objects.filter(edition=edition, kind=RoleKind.AREA_CHAIR, area="ml").count() == 1
    assert Role.objects.filter(edition=edition, kind=RoleKind.PC_CHAIR).count() == 1


def test_demo_accounts_can_sign_in(seeded: Any) -> None:
    for email, _ in seeded.logins:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()


def test_the_current_edition_is_taking_abstracts(seeded: Any) -> None:
    edition = Edition.objects.get(slug="mlsys2027")
    assert edition_timeline(edition).status(timezone.now()) == "Abstract registration"
    assert set(Deadline.objects.filter(edition=edition).values_list("phase", flat=True)) == {p.value for p in Phase}
    # Every deadline is 23:59:59 AoE, i.e. 11:59:59 UTC.
    assert {d.closes_at.strftime("%H:%M:%S") for d in Deadline.objects.all()} == {"11:59:59"}


def test_stored_pdfs_are_real(seeded: Any) -> None:
    files = list(SubmissionFile.objects.select_related("submission"))
    assert len(files) == 3  # papers 1-3 all have a PDF (every fourth is abstract-only)
    for file in files:
        with file.file.open("rb") as handle:
            content = handle.read()
        reader = PdfReader(io.BytesIO(content))
        assert file.is_accepted
        assert file.page_count == len(reader.pages) >= 1
        assert file.sha256 == hashlib.sha256(content).hexdigest()
        assert file.size == len(content)
        first_page = reader.pages[0].extract_text()
        assert file.submission.title.split()[0] in first_page


def test_pc_members_have_profiles_and_papers_have_affinities(seeded: Any) -> None:
    edition = Edition.objects.get(slug="mlsys2027")
    pc = User.objects.filter(roles__edition=edition, roles__kind__in=[RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR])
    assert pc.exists()
    assert not pc.filter(keywords="").exists()
    assert not pc.filter(publications="").exists()
    stored = Affinity.objects.filter(submission__edition=edition)
    assert stored.count() == Submission.objects.filter(edition=edition).count() * pc.count()
    assert stored.filter(score__gt=0).exists()


def test_demo_papers_alternate_between_systems_and_ml(seeded: Any) -> None:
    topics = list(
        Submission.objects.filter(edition__slug="mlsys2027").order_by("number").values_list("topic", flat=True)
    )
    assert topics == ["systems", "ml", "systems"]


def test_demo_titles_are_stored_as_given_so_a_second_run_finds_them() -> None:
    from site_pages.demo import PAPERS_FILE, _interleaved

    titles = [r["title"] for r in _interleaved(json.loads(PAPERS_FILE.read_text()))]
    assert len(titles) == 36
    assert all(t == t.strip() and t for t in titles)


def test_two_invitations_wait_for_an_answer(seeded: Any) -> None:
    pending = Invitation.objects.filter(edition__slug="mlsys2027", status="pending")
    assert sorted(pending.values_list("area", flat=True)) == ["ml", "systems"]
