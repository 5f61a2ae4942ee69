"""Badge decisions and their release: who decides what, who sees the badges when (pages, API,
the public page), one mail per author on release, exactly once however often it is released."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from actionlog.models import Action
from artifacts import badges, policy
from artifacts.models import Artifact, Badge, BadgeDecision
from artifacts.services import artifact_save
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail, MailPaper
from submissions.models import Conflict, Submission, SubmissionState
from tests.artifacts.conftest import artifact_input
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db
NOTE = "The scripts rebuilt Table 3 within 2 %."


def _decided(artifact: Artifact, ae_chair: Any, *awarded: str) -> BadgeDecision:
    return badges.badges_decide(
        artifact=artifact, badges=awarded or [Badge.AVAILABLE, Badge.REUSABLE], note=NOTE, by=ae_chair
    )


def _api(edition: Any, rest: str) -> str:
    return f"/api/editions/{edition.slug}/artifacts/{rest}"


def _badge_mails() -> Any:
    return Mail.objects.filter(dedupe_key__startswith="artifact-badges:")


# --- Deciding -------------------------------------------------------------------------------


def test_only_requested_badges_are_awarded_and_reusable_brings_functional(artifact: Artifact, ae_chair: Any) -> None:
    decision = _decided(artifact, ae_chair, Badge.REUSABLE)
    assert decision.badges == [Badge.FUNCTIONAL, Badge.REUSABLE]
    with pytest.raises(ValidationError, match="Results Reproduced"):
        _decided(artifact, ae_chair, Badge.REPRODUCED)  # the fixture's authors did not ask for it
    assert badges.badges_decide(artifact=artifact, badges=[], by=ae_chair).badges == []  # none: a decision too
    entry = Action.objects.filter(action="artifact_badges.decided").latest("pk")
    assert entry.paper_id == artifact.submission_id


def test_only_an_ae_chair_handling_the_paper_decides(
    artifact: Artifact, ae_chair: Any, ae_member: Any, author: Any, chair: Any, edition: Any
) -> None:
    for user in (ae_member, author, chair):
        with pytest.raises(PolicyDenied):
            _decided(artifact, user)
    Conflict.objects.create(submission=artifact.submission, user=ae_chair, reason="co-author")
    with pytest.raises(PolicyDenied):
        _decided(artifact, ae_chair)
    assert not BadgeDecision.objects.exists()


def test_a_released_decision_is_final(artifact: Artifact, ae_chair: Any, edition: Any) -> None:
    _decided(artifact, ae_chair)
    badges.badges_release(edition=edition, by=ae_chair)
    with pytest.raises(PolicyDenied, match="final"):
        _decided(artifact, ae_chair, Badge.AVAILABLE)


# --- Visibility ----------------------------------------------------------------------------


def _sees_on_pages(user: Any, edition: Any) -> bool:
    client = client_for(user) if user else Client()
    pages = [f"/{edition.slug}/artifacts/badges/"]
    if user is not None:
        pages.append(f"/{edition.slug}/artifacts/1/")
    contents = []
    for url in pages:
        response = client.get(url)
        if response.status_code == 200:
            contents.append(response.content.decode())
    return any("Artifacts Evaluated: Reusable" in c and "badges/reusable.svg" in c for c in contents)


def test_badges_are_invisible_until_released(
    artifact: Artifact, ae_chair: Any, ae_member: Any, author: Any, outsider: Any, edition: Any
) -> None:
    _decided(artifact, ae_chair)
    assert not policy.artifact_results_released(edition)
    for user in (author, ae_member, outsider, None):
        assert not _sees_on_pages(user, edition), user
    author_page = client_for(author).get(f"/{edition.slug}/submissions/1/artifact/").content.decode()
    assert "Badges awarded" not in author_page
    assert NOTE not in author_page
    for user in (author, ae_member):
        assert client_for(user).get(_api(edition, "1/badges/")).json() == {"decision": None}
    assert Client().get(_api(edition, "badges/")).json() == []
    # the AE chair sees the decision, marked as not released
    chair_page = client_for(ae_chair).get(f"/{edition.slug}/artifacts/1/").content.decode()
    assert "Not released yet" in chair_page
    assert 'alt="Artifacts Evaluated: Reusable"' in chair_page
    assert client_for(ae_chair).get(_api(edition, "1/badges/")).json()["decision"]["released_at"] is None

    assert badges.badges_release(edition=edition, by=ae_chair) == 1
    assert policy.artifact_results_released(edition)
    for user in (author, ae_member, None):
        assert _sees_on_pages(user, edition), user
    author_page = client_for(author).get(f"/{edition.slug}/submissions/1/artifact/").content.decode()
    assert 'alt="Artifacts Evaluated: Reusable"' in author_page
    assert NOTE in author_page
    shown = client_for(author).get(_api(edition, "1/badges/")).json()["decision"]
    assert shown["badges"] == ["available", "functional", "reusable"]
    public = Client().get(_api(edition, "badges/")).json()
    assert [(a["number"], a["badges"]) for a in public] == [(1, ["available", "functional", "reusable"])]


def test_the_public_page_lists_only_released_awards(
    artifact: Artifact, ae_chair: Any, edition: Any, author: Any
) -> None:
    other: Any = SubmissionFactory(edition=edition, number=2, title="Pipelined Training on Spot GPUs")
    AuthorFactory(submission=other, position=1, name="A", email=author.email, user=author)
    Submission.objects.filter(pk=other.pk).update(
        state=SubmissionState.ACCEPTED, decision_released_at=artifact.submission.decision_released_at
    )
    second = artifact_save(submission=Submission.objects.get(pk=other.pk), data=artifact_input(), by=author)
    _decided(artifact, ae_chair)
    badges.badges_release(edition=edition, by=ae_chair)
    _decided(second, ae_chair)  # decided after the release: not public yet
    page = Client().get(f"/{edition.slug}/artifacts/badges/").content.decode()
    assert artifact.submission.title in page
    assert "Pipelined Training" not in page
    assert [a["number"] for a in Client().get(_api(edition, "badges/")).json()] == [1]
    badges.badges_release(edition=edition, by=ae_chair)
    assert "Pipelined Training" in Client().get(f"/{edition.slug}/artifacts/badges/").content.decode()


# --- Release and its mail -----------------------------------------------------------------------


def test_release_mails_each_author_once(artifact: Artifact, ae_chair: Any, edition: Any) -> None:
    _decided(artifact, ae_chair)
    client = client_for(ae_chair)
    response = client.post(f"/{edition.slug}/artifacts/badges/release/")
    assert response.status_code == 302
    mails = _badge_mails()
    assert sorted(mails.values_list("to_email", flat=True)) == ["author@example.org", "coauthor@example.org"]
    mail = mails.first()
    assert mail is not None
    assert "Artifacts Evaluated: Reusable" in mail.body
    assert NOTE in mail.body
    assert "#1" in mail.subject
    assert set(MailPaper.objects.filter(mail__in=mails).values_list("paper_id", flat=True)) == {artifact.submission_id}
    # released again (page, API, service): nobody is mailed twice
    client.post(f"/{edition.slug}/artifacts/badges/release/")
    assert client.post(_api(edition, "badges/release/")).json() == {"released": 0}
    assert badges.badges_release(edition=edition, by=ae_chair) == 0
    assert _badge_mails().count() == 2
    assert Action.objects.filter(action="artifact_results.released").count() == 1
    assert Action.objects.filter(action="artifact_badges.released", paper_id=artifact.submission_id).count() == 1


def test_only_ae_chairs_release(artifact: Artifact, ae_chair: Any, ae_member: Any, author: Any, edition: Any) -> None:
    _decided(artifact, ae_chair)
    for user in (ae_member, author):
        assert client_for(user).post(f"/{edition.slug}/artifacts/badges/release/").status_code == 403
        assert client_for(user).post(_api(edition, "badges/release/")).status_code == 403
    assert not _badge_mails().exists()
    assert BadgeDecision.objects.get().released_at is None


# --- The AE chairs' page and the API ----------------------------------------------------------


def test_the_ae_chair_decides_from_the_page(artifact: Artifact, ae_chair: Any, ae_member: Any, edition: Any) -> None:
    client = client_for(ae_chair)
    page = client.get(f"/{edition.slug}/artifacts/badges/manage/").content.decode()
    assert 'value="reusable"' in page
    assert 'value="reproduced"' not in page
    url = f"/{edition.slug}/artifacts/badges/1/"
    assert client.post(url, {"badges": ["available", "reproduced"]}).status_code == 302
    assert not BadgeDecision.objects.exists()  # refused with the reason, nothing stored
    client.post(url, {"badges": ["available"], "note": " Good. "})
    assert BadgeDecision.objects.get().badges == ["available"]
    assert BadgeDecision.objects.get().note == "Good."
    assert client_for(ae_member).get(f"/{edition.slug}/artifacts/badges/manage/").status_code == 403
    manage = f"/{edition.slug}/artifacts/badges/manage/"
    assert manage in client.get(f"/{edition.slug}/").content.decode()  # the edition page's AE panel links it
    assert manage not in client_for(ae_member).get(f"/{edition.slug}/").content.decode()
    assert client_for(ae_member).post(url, {"badges": ["available"]}).status_code == 403


def test_the_api_decides(artifact: Artifact, ae_chair: Any, ae_member: Any, edition: Any) -> None:
    url = _api(edition, "1/badges/")
    client = client_for(ae_chair)
    refused = client.put(url, {"badges": ["reproduced"]}, content_type="application/json")
    assert refused.status_code == 400
    done = client.put(url, {"badges": ["reusable"], "note": "ok"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["decision"]["badges"] == ["functional", "reusable"]
    member = client_for(ae_member).put(url, {"badges": ["available"]}, content_type="application/json")
    assert member.status_code == 403
    assert BadgeDecision.objects.get().badges == ["functional", "reusable"]


def test_an_ae_chair_who_wrote_the_paper_sees_only_what_authors_see(
    artifact: Artifact, ae_chair: Any, author: Any, edition: Any
) -> None:
    RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR, user=author)
    _decided(artifact, ae_chair)
    assert not policy.badges_visible(artifact, author)
    assert client_for(author).get(_api(edition, "1/badges/")).json() == {"decision": None}
    with pytest.raises(PolicyDenied):
        _decided(artifact, author)
