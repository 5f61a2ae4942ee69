from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conferences.models import Area, Deadline, Edition, Phase
from conferences.roles import RoleKind
from submissions.models import Submission, SubmissionFile
from submissions.services import paper_upload
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.pdfs import make_pdf


@pytest.fixture
def stored_paper(submission: Submission, author: Any) -> SubmissionFile:
    """A real two-page PDF stored for the persona submission through the service."""
    return paper_upload(submission=submission, content=make_pdf(2), filename="paper.pdf", by=author)


@pytest.fixture
def supplementary_deadline(edition: Edition) -> Deadline:
    """The persona edition has no supplementary phase; this one closes after the paper's."""
    return Deadline.objects.create(
        edition=edition, phase=Phase.SUPPLEMENTARY_MATERIAL, closes_at=timezone.now() + timedelta(days=12)
    )


@pytest.fixture
def pc_at_mit(edition: Edition) -> Any:
    """A PC member with an institutional address and affiliation of their own."""
    user = UserFactory(email="pat@csail.mit.edu", first_name="Pat", last_name="Mitchell", affiliation="MIT")
    RoleFactory(edition=edition, user=user, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS)
    return user


@pytest.fixture
def pc_at_eth(edition: Edition) -> Any:
    user = UserFactory(email="eli@inf.ethz.ch", first_name="Eli", last_name="Zurcher", affiliation="ETH Zurich")
    RoleFactory(edition=edition, user=user, kind=RoleKind.PC_MEMBER, area=Area.ML)
    return user


@pytest.fixture
def pc_on_gmail(edition: Edition) -> Any:
    user = UserFactory(email="gus@gmail.com", first_name="Gus", last_name="Gmail", affiliation="Independent")
    RoleFactory(edition=edition, user=user, kind=RoleKind.PC_MEMBER, area=Area.ML)
    return user
