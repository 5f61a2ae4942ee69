"""Who declared a conflict, and who may undo it (issue 7, item 5), through the pages and the API:
a chair's conflict is the chair's and only a chair removes it (an automatic one is waived, so
detection leaves it removed); a PC member adds a conflict at any time but takes their own back
only before bidding opens; the authors' reason is never shown to the PC member; the reasons of
automatic detection are refused when people post them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionlog.models import Action
from conferences.models import Edition
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictSource, ConflictWaiver, Submission
from submissions.services import conflict_declare_own, conflicts_refresh_automatic, conflicts_refresh_edition
from tests.bidding.helpers import open_bidding
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/1/conflicts/"


def pc_page(edition: Edition) -> str:
    return reverse("submissions:pc_conflicts", kwargs={"edition_slug": edition.slug})


def authors_page(submission: Submission) -> str:
    return reverse("submissions:conflicts", kwargs={"edition_slug": submission.edition.slug, "number": 1})


def sources(submission: Submission) -> dict[int, str]:
    return dict(submission.conflicts.values_list("user_id", "source"))


# --- PC members' own declarations -------------------------------------------------------------


def test_a_member_takes_a_declaration_back_only_before_bidding_opens(
    client: Any, edition: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    client.post(pc_page(edition), {"conflict": [str(submission.pk)], f"reason_{submission.pk}": "collaborator"})
    assert sources(submission) == {pc_ml.pk: ConflictSource.PC_MEMBER}
    client.post(pc_page(edition), {})
    assert sources(submission) == {}
    open_bidding(edition)
    client.post(pc_page(edition), {"conflict": [str(submission.pk)]})  # adding: any time
    assert sources(submission) == {pc_ml.pk: ConflictSource.PC_MEMBER}
    response = client.post(pc_page(edition), {}, follow=True)
    assert (
        "Bidding has opened: you can still add conflicts, but only the chairs remove one." in response.content.decode()
    )
    assert sources(submission) == {pc_ml.pk: ConflictSource.PC_MEMBER}


def test_a_member_cannot_remove_a_chairs_conflict(
    client: Any, edition: Edition, submission: Submission, chair: Any, pc_ml: Any
) -> None:
    client.force_login(chair)
    client.post(authors_page(submission), {"conflict": [str(pc_ml.pk)], f"reason_{pc_ml.pk}": "personal"})
    assert sources(submission) == {pc_ml.pk: ConflictSource.CHAIR}
    assert Conflict.objects.get().created_by == chair
    with pytest.raises(ValidationError, match="ask the chairs"):
        conflict_declare_own(submission=submission, user=pc_ml, reason="other", conflicted=False)
    client.force_login(pc_ml)
    client.post(pc_page(edition), {})
    assert sources(submission) == {pc_ml.pk: ConflictSource.CHAIR}


def test_the_authors_do_not_remove_a_chairs_conflict(
    client: Any, submission: Submission, author: Any, chair: Any, pc_ml: Any, pc_systems: Any
) -> None:
    client.force_login(chair)
    client.put(API, [{"user": pc_ml.pk, "reason": "personal"}], content_type="application/json")
    client.force_login(author)
    client.put(API, [{"user": pc_systems.pk, "reason": "advisor"}], content_type="application/json")
    assert sources(submission) == {pc_ml.pk: ConflictSource.CHAIR, pc_systems.pk: ConflictSource.AUTHOR}
    client.post(authors_page(submission), {})
    assert sources(submission) == {pc_ml.pk: ConflictSource.CHAIR}


def test_the_authors_reason_is_never_shown_to_the_member(
    client: Any, edition: Edition, submission: Submission, author: Any, pc_ml: Any
) -> None:
    client.force_login(author)
    client.put(API, [{"user": pc_ml.pk, "reason": "personal"}], content_type="application/json")
    client.force_login(pc_ml)
    page = client.get(pc_page(edition)).content.decode()
    assert "Declared by the authors" in page
    assert "Personal relationship" not in page
    assert f'name="reason_{submission.pk}"' not in page


# --- Reasons kept for automatic detection -------------------------------------------------------


@pytest.mark.parametrize("reason", ["author", "domain", "affiliation"])
def test_people_cannot_post_the_automatic_reasons(
    client: Any, edition: Edition, submission: Submission, author: Any, pc_ml: Any, reason: str
) -> None:
    client.force_login(author)
    response = client.put(API, [{"user": pc_ml.pk, "reason": reason}], content_type="application/json")
    assert response.status_code == 400
    assert "is recorded by automatic detection only" in response.content.decode()
    page = client.post(
        authors_page(submission), {"conflict": [str(pc_ml.pk)], f"reason_{pc_ml.pk}": reason}, follow=True
    )
    assert "is recorded by automatic detection only" in page.content.decode()
    client.force_login(pc_ml)
    page = client.post(
        pc_page(edition), {"conflict": [str(submission.pk)], f"reason_{submission.pk}": reason}, follow=True
    )
    assert "is recorded by automatic detection only" in page.content.decode()
    open_bidding(edition)
    bid = client.put(
        "/api/editions/mlsys2027/bids/1/", {"level": "conflict", "reason": reason}, content_type="application/json"
    )
    assert bid.status_code == 400
    assert "is recorded by automatic detection only" in bid.content.decode()
    assert not Conflict.objects.exists()


# --- A chair removes any conflict; an automatic one stays removed -------------------------------


def test_a_chair_waives_an_automatic_conflict_and_detection_leaves_it_so(
    client: Any, edition: Edition, submission: Submission, chair: Any, pc_ml: Any
) -> None:
    submission.authors.update(affiliation=pc_ml.affiliation)
    conflicts_refresh_automatic(submission=submission)
    assert sources(submission) == {pc_ml.pk: ConflictSource.AUTOMATIC, chair.pk: ConflictSource.AUTOMATIC}
    client.force_login(pc_ml)
    client.post(pc_page(edition), {})  # a member cannot shed it
    assert pc_ml.pk in sources(submission)
    client.force_login(chair)  # conflicted too (the same affiliation): a second chair decides
    assert client.get(authors_page(submission)).status_code == 403
    second: Any = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__affiliation="Elsewhere").user
    client.force_login(second)
    client.post(authors_page(submission), {"conflict": [str(chair.pk)]})
    assert sources(submission) == {chair.pk: ConflictSource.AUTOMATIC}
    waiver = ConflictWaiver.objects.get()
    assert (waiver.user, waiver.waived_by, waiver.reason) == (pc_ml, second, "affiliation")
    conflicts_refresh_edition(edition=edition)
    conflicts_refresh_automatic(submission=submission)
    assert sources(submission) == {chair.pk: ConflictSource.AUTOMATIC}
    assert Action.objects.filter(action="conflict.waived", person=pc_ml, actor=second).exists()


def test_a_member_taking_over_a_hidden_conflict_keeps_it_after_taking_the_declaration_back(
    client: Any, edition: Edition, submission: Submission, pc_ml: Any
) -> None:
    """A conflict found after the member's own change is hidden; ticking the paper makes it the
    member's declaration, and unticking it leaves the hidden automatic conflict in place."""
    submission.authors.update(affiliation="Institute of Obscure Studies")
    pc_ml.affiliation = "Institute of Obscure Studies"
    pc_ml.save()
    conflicts_refresh_edition(edition=edition, user_ids=[pc_ml.pk])  # as the profile job does
    assert Conflict.objects.get(user=pc_ml).hidden_from_member
    client.force_login(pc_ml)
    client.post(pc_page(edition), {"conflict": [str(submission.pk)], f"reason_{submission.pk}": "collaborator"})
    conflict = Conflict.objects.get(user=pc_ml)
    assert (conflict.source, conflict.hidden_from_member) == (ConflictSource.PC_MEMBER, False)
    client.post(pc_page(edition), {})
    conflict = Conflict.objects.get(user=pc_ml)
    assert (conflict.source, conflict.hidden_from_member) == (ConflictSource.AUTOMATIC, True)
    assert "checked" not in client.get(pc_page(edition)).content.decode().split('id="pc-conflicts"')[1]
