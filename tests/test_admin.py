"""Every model registered in the Django admin: its list, add and change pages render."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.urls import reverse

from actionlog.services import record_action
from assignments.models import Assignment, AssignmentRun, AssignmentSource
from bidding.models import Affinity, Bid, BidLevel
from committees.services import invitation_send
from conferences.roles import RoleKind
from outbox.services import mail_batch_create, mail_queue, mail_template_save
from submissions.services import paper_upload
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)
SEARCHABLE = [m for m in REGISTERED if admin.site._registry[m].search_fields]
READ_ONLY = {
    "actionlog.Action",
    "assignments.Assignment",
    "assignments.AssignmentRun",
    "bidding.Affinity",
    "bidding.Bid",
    "committees.Invitation",
    "conferences.Role",
    "conferences.Deadline",
    "outbox.Mail",
    "outbox.MailBatch",
    "outbox.MailTemplate",
    "submissions.Submission",
    "submissions.SubmissionFile",
}  # written by the services only: no add page, the change page only shows


@pytest.fixture
def populated(submission: Any, edition: Any, chair: Any, pc_ml: Any, ae_member: Any, author: Any) -> None:
    """Rows in every table, so lists render real objects, filters and inlines."""
    paper_upload(submission=submission, content=make_pdf(1), filename="paper.pdf", by=author)
    invitation_send(edition=edition, email="invitee@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    Bid.objects.create(submission=submission, user=pc_ml, level=BidLevel.HIGH)
    Affinity.objects.create(submission=submission, user=pc_ml, score=0.4, top_terms=[["cache", 0.2]])
    AssignmentRun.objects.create(edition=edition, created_by=chair, objective=1.5, proven_optimal=True)
    Assignment.objects.create(submission=submission, user=pc_ml, source=AssignmentSource.MANUAL, created_by=chair)
    mail_queue(to_email="chair@example.org", subject="Hello", body="Body", dedupe_key="admin-test")
    batch = mail_batch_create(edition=edition, name="Letters", by=chair)
    mail_queue(to_email="pc@example.org", subject="Held", body="Body", batch=batch)
    mail_template_save(edition=edition, key="bidding/mail/few_bids", subject="Bid", body="Please bid.", by=chair)
    Group.objects.create(name="Helpers")
    record_action(edition=edition, actor=chair, action="test.populated", target=submission, paper_id=submission.pk)


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_our_models_are_registered() -> None:
    labels = {m._meta.label for m in REGISTERED}
    assert {
        "accounts.User",
        "conferences.Role",
        "conferences.Edition",
        "conferences.Deadline",
        "outbox.Mail",
        "submissions.Submission",
        "submissions.SubmissionFile",
    } <= labels


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_renders(admin_client: Any, populated: None, model: type[Model]) -> None:
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", SEARCHABLE, ids=lambda m: m._meta.label)
def test_changelist_search_renders(admin_client: Any, populated: None, model: type[Model]) -> None:
    response = admin_client.get(admin_url(model, "changelist"), {"q": "example"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_add_page_renders(admin_client: Any, model: type[Model]) -> None:
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == (403 if model._meta.label in READ_ONLY else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_change_page_renders(admin_client: Any, populated: None, model: type[Model]) -> None:
    obj = model._default_manager.first()
    assert obj is not None, f"the fixture makes no {model._meta.label} row to change"
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    if model._meta.label in READ_ONLY:
        assert b'name="_save"' not in response.content
