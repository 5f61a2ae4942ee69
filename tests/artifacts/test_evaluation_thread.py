"""Evaluating artifacts (artifacts/evaluations.py): the AE stage, the anonymous thread between an
artifact's authors and its evaluators, the per-badge evaluation forms, and who reads what of them.
Authors never learn who evaluates (pages, API, mail); committee-only parts stay with the AE chairs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from artifacts import evaluations, policy, services
from artifacts.models import AEStage, Artifact, Badge, Evaluation, EvaluationStatus
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from submissions.models import Submission, SubmissionState
from tests.artifacts.conftest import artifact_input, assign
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

COMMITTEE_ONLY = "Between us: the speedups look cherry-picked."
FOR_AUTHORS = "Ran every script; table 3 matches within 2%."


@pytest.fixture
def evaluators(artifact: Artifact, ae_member: Any, edition: Any) -> list[Any]:
    """Two evaluators assigned to paper #1's artifact, in this order (Evaluator A, then B)."""
    second = RoleFactory(
        edition=edition, kind=RoleKind.AE_MEMBER, user__email="bob.secret@example.org", user__first_name="Bobsecret"
    ).user
    ae_member.first_name = "Adasecret"
    ae_member.save()
    assign(artifact, ae_member)
    assign(artifact, second)
    return [ae_member, second]


def _names(user: Any) -> list[str]:
    return [user.email, user.first_name, user.display_name]


def _stage(edition: Any, stage: str, ae_chair: Any) -> None:
    evaluations.stage_set(edition=edition, stage=stage, by=ae_chair)


def _thread(edition: Any, number: int = 1) -> str:
    return f"/{edition.slug}/artifacts/{number}/thread/"


def _api(edition: Any, rest: str) -> str:
    return f"/api/editions/{edition.slug}/artifacts/{rest}"


def test_the_ae_chairs_set_the_stage_and_the_thread_opens_at_kick_the_tires(
    artifact: Artifact, evaluators: list[Any], ae_chair: Any, chair: Any, edition: Any
) -> None:
    first = evaluators[0]
    refused = policy.can_post_to_artifact_thread(first, artifact)
    assert not refused
    assert "registration now" in refused.reason
    for user in (first, chair):  # an AE member, a PC chair: not theirs
        with pytest.raises(PolicyDenied):
            evaluations.stage_set(edition=edition, stage=AEStage.KICK_THE_TIRES, by=user)
    moved = client_for(ae_chair).post(f"/{edition.slug}/artifacts/stage/", {"stage": "kick_the_tires"})
    assert moved.status_code == 302
    assert policy.ae_stage(edition) == AEStage.KICK_THE_TIRES
    assert policy.can_post_to_artifact_thread(first, artifact)
    assert client_for(ae_chair).put(_api(edition, "stage/"), {"stage": "nope"}, "application/json").status_code == 400
    _stage(edition, AEStage.DECISIONS, ae_chair)
    assert not policy.can_post_to_artifact_thread(first, artifact)


def test_the_thread_never_names_evaluators_to_authors(
    artifact: Artifact, evaluators: list[Any], author: Any, ae_chair: Any, edition: Any
) -> None:
    first, second = evaluators
    _stage(edition, AEStage.KICK_THE_TIRES, ae_chair)
    question = "Does `make tables` need **CUDA 12**?"
    assert client_for(second).post(_thread(edition), {"body": question}).status_code == 302
    evaluations.message_post(artifact=artifact, body="Same question from me.", by=first)
    page = client_for(author).get(_thread(edition)).content.decode()
    assert "Evaluator B" in page
    assert "Evaluator A" in page
    assert "<strong>CUDA 12</strong>" in page  # Markdown, through the project's sanitiser
    api = client_for(author).get(_api(edition, "1/thread/")).json()
    assert [m["shown_as"] for m in api] == ["Evaluator B", "Evaluator A"]
    mails = Mail.objects.filter(to_email=author.email)
    assert mails.count() == 2
    assert {tuple(m.papers.values_list("paper_id", flat=True)) for m in mails} == {(artifact.submission_id,)}
    for user in evaluators:
        for text in [page, str(api), *(m.subject + m.body for m in mails)]:
            assert not any(name in text for name in _names(user))
    # The AE chairs see who wrote; the evaluators read each other by letter.
    assert "Bobsecret" in client_for(ae_chair).get(_thread(edition)).content.decode()
    assert "Bobsecret" not in client_for(first).get(_thread(edition)).content.decode()
    # The author answers with a fix; each evaluator gets one mail naming "Authors".
    reply = {"body": "Yes; fixed the Makefile.", "fix_url": "https://github.com/example/sparse-kernels/pull/4"}
    assert client_for(author).post(_api(edition, "1/thread/"), reply, "application/json").status_code == 201
    to_second = Mail.objects.get(to_email=second.email, body__contains="fixed the Makefile")
    assert "Authors wrote" in to_second.body
    assert "/pull/4" in to_second.body
    with pytest.raises(ValidationError):  # evaluators post no fixes
        evaluations.message_post(artifact=artifact, body="see", fix_url="https://example.org/x", by=first)


def test_an_unassigned_member_neither_reads_nor_posts(
    artifact: Artifact, evaluators: list[Any], ae_chair: Any, edition: Any
) -> None:
    _stage(edition, AEStage.KICK_THE_TIRES, ae_chair)
    other = RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER).user
    client = client_for(other)
    assert policy.can_view_artifact(other, artifact)  # sees the artifact in the list...
    assert client.get(_thread(edition)).status_code == 404  # ...not its thread
    assert client.post(_thread(edition), {"body": "hi"}).status_code == 404
    assert client.get(_api(edition, "1/thread/")).status_code == 404
    assert client.get(f"/{edition.slug}/artifacts/1/evaluation/").status_code == 403
    with pytest.raises(PolicyDenied):
        evaluations.message_post(artifact=artifact, body="hi", by=other)


def _all_badges(recommendation: str = "award", claims: str = "Table 3, figure 5") -> dict[str, Any]:
    return {
        Badge.AVAILABLE: {"recommendation": recommendation, "checked": ["archival", "doi"]},
        Badge.FUNCTIONAL: {"recommendation": recommendation, "checked": ["documented", "exercisable"]},
        Badge.REUSABLE: {"recommendation": "deny", "checked": ["functional"], "claims": claims},
    }


def test_an_evaluator_drafts_at_kick_the_tires_and_submits_in_the_full_evaluation(
    artifact: Artifact, evaluators: list[Any], ae_chair: Any, edition: Any
) -> None:
    first = evaluators[0]
    _stage(edition, AEStage.KICK_THE_TIRES, ae_chair)
    url = f"/{edition.slug}/artifacts/1/evaluation/"
    client = client_for(first)
    assert url in client.get(f"/{edition.slug}/artifacts/1/").content.decode()  # linked from the artifact
    page = client.get(url).content.decode()
    assert "Exercisable" in page
    assert "Evaluator A" in page
    assert "Results Reproduced" not in page  # not requested: no form for it
    draft = {"available-recommendation": "award", "available-checked": ["doi"], "comments_for_authors": "so far"}
    assert client.post(url, {**draft, "action": "save"}).status_code == 302
    assert client.post(url, {**draft, "action": "submit"}).status_code == 403  # not the full evaluation yet
    assert Evaluation.objects.get().status == EvaluationStatus.DRAFT
    _stage(edition, AEStage.FULL_EVALUATION, ae_chair)
    refused = client.post(url, {**draft, "action": "submit"})
    assert refused.status_code == 400
    assert "every badge requested" in refused.content.decode()
    body = {"badges": _all_badges(), "comments_for_authors": FOR_AUTHORS, "distinguished": True, "submit": True}
    saved = client.put(_api(edition, "1/evaluation/"), body, "application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "submitted"
    assert saved.json()["evaluator_label"] == "Evaluator A"
    unasked = {"badges": {Badge.REPRODUCED: {"recommendation": "award"}}}
    assert client.put(_api(edition, "1/evaluation/"), unasked, "application/json").status_code == 400


def _submit(artifact: Artifact, evaluator: Any, **changes: Any) -> Evaluation:
    values: dict[str, Any] = {
        "badges": _all_badges(),
        "comments_for_authors": FOR_AUTHORS,
        "comments_for_committee": COMMITTEE_ONLY,
        "distinguished": True,
    }
    values.update(changes)
    data = evaluations.EvaluationInput(**values)
    return evaluations.evaluation_save(artifact=artifact, data=data, by=evaluator, submit=True)


def test_authors_read_their_part_only_once_released(
    artifact: Artifact, evaluators: list[Any], author: Any, ae_chair: Any, edition: Any, monkeypatch: Any
) -> None:
    _stage(edition, AEStage.FULL_EVALUATION, ae_chair)
    _submit(artifact, evaluators[0])
    page_url = f"/{edition.slug}/artifacts/1/evaluations/"
    before = client_for(author).get(page_url).content.decode()
    assert FOR_AUTHORS not in before
    assert "once the AE chairs release" in before
    assert client_for(author).get(_api(edition, "1/evaluations/")).json() == {"released": False, "evaluations": []}
    assert client_for(evaluators[1]).get(page_url).status_code == 403  # evaluators read only their own
    chairs_page = client_for(ae_chair).get(page_url).content.decode()
    assert COMMITTEE_ONLY in chairs_page
    assert "distinguished" in chairs_page
    assert "Adasecret" in chairs_page

    monkeypatch.setattr(policy, "evaluations_visible_to_authors", lambda artifact: True)
    page = client_for(author).get(page_url).content.decode()
    api = client_for(author).get(_api(edition, "1/evaluations/")).json()
    assert FOR_AUTHORS in page
    assert "Evaluator A" in page
    (shown,) = api["evaluations"]
    assert shown["evaluator_label"] == "Evaluator A"
    assert shown["evaluator_name"] is None
    assert shown["comments_for_committee"] is None
    assert shown["distinguished"] is None
    assert [b["recommendation"] for b in shown["badges"]] == ["award", "award", "deny"]
    assert "istinguished" not in page
    for text in (page, str(api)):
        assert COMMITTEE_ONLY not in text
        assert not any(name in text for name in _names(evaluators[0]))


def test_released_means_the_release_timestamp(artifact: Artifact) -> None:
    assert not policy.evaluations_visible_to_authors(artifact)
    artifact.results_released_at = timezone.now()  # type: ignore[attr-defined]
    assert policy.evaluations_visible_to_authors(artifact)


def test_an_author_of_paper_a_who_evaluates_b_sees_only_what_authors_see_of_a(
    artifact: Artifact, evaluators: list[Any], ae_chair: Any, edition: Any, monkeypatch: Any
) -> None:
    """ae_member evaluates #1 (B) and wrote #2 (A), whose artifact Bobsecret evaluates."""
    evaluator, second = evaluators
    paper_a: Any = SubmissionFactory(edition=edition, number=2, title="Paper A", state=SubmissionState.ACCEPTED)
    Submission.objects.filter(pk=paper_a.pk).update(decision_released_at=timezone.now())
    AuthorFactory(submission=paper_a, position=1, name="Ada", email=evaluator.email, user=evaluator)
    artifact_a = services.artifact_save(submission=paper_a, data=artifact_input(), by=evaluator)
    assign(artifact_a, second)
    _stage(edition, AEStage.FULL_EVALUATION, ae_chair)
    _submit(artifact_a, second)
    evaluations.message_post(artifact=artifact_a, body="Where is the dataset?", by=second)

    assert not policy.can_open_evaluation(evaluator, artifact_a)
    assert policy.can_open_evaluation(evaluator, artifact)
    assert evaluations.evaluations_for(evaluator, artifact_a) == []  # not released: nothing
    thread = client_for(evaluator).get(_thread(edition, 2)).content.decode()
    assert "Evaluator A" in thread
    assert "Bobsecret" not in thread
    monkeypatch.setattr(policy, "evaluations_visible_to_authors", lambda artifact: True)
    (shown,) = evaluations.evaluations_for(evaluator, artifact_a)
    assert shown.comments_for_committee is None
    assert shown.distinguished is None
    assert shown.evaluator_name is None
    api = client_for(evaluator).get(_api(edition, "2/evaluations/")).json()
    assert COMMITTEE_ONLY not in str(api)
    assert "Bobsecret" not in str(api)
    assert client_for(evaluator).get(_api(edition, "2/evaluation/")).status_code == 403
