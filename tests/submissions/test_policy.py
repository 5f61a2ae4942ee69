"""Submission rules, asked of every persona. Double-blind is one of them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.policy import SIGN_IN_FIRST
from submissions.models import FileKind, Submission, SubmissionFile
from submissions.policy import (
    can_declare_author_conflicts,
    can_declare_own_conflicts,
    can_download_file,
    can_edit_submission,
    can_grant_extension,
    can_list_all_submissions,
    can_register_submission,
    can_see_authors,
    can_upload_paper,
    can_upload_supplementary,
    can_view_submission,
    can_withdraw_submission,
)
from submissions.services import submission_withdraw
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.personas import others, persona_user
from tests.submissions.helpers import deadline_of, extend

pytestmark = pytest.mark.django_db

SEES_SUBMISSION = ("author", "chair", "superuser")


@pytest.fixture
def paper_file(submission: Submission) -> SubmissionFile:
    return SubmissionFile.objects.create(
        submission=submission,
        kind=FileKind.PAPER,
        file="submissions/test/paper.pdf",
        original_name="paper.pdf",
        sha256="0" * 64,
        size=1234,
        page_count=1,
        is_accepted=True,
    )


# --- can_register_submission ---------------------------------------------------------------


@pytest.mark.parametrize("persona", others("anonymous"))
def test_any_account_registers_while_abstracts_are_open(
    request: pytest.FixtureRequest, edition: Edition, persona: str
) -> None:
    assert can_register_submission(persona_user(request, persona), edition)


def test_anonymous_does_not_register(request: pytest.FixtureRequest, edition: Edition) -> None:
    verdict = can_register_submission(persona_user(request, "anonymous"), edition)
    assert not verdict
    assert verdict == SIGN_IN_FIRST


@pytest.mark.parametrize("persona", others("anonymous"))
def test_nobody_registers_after_the_abstract_deadline(
    request: pytest.FixtureRequest, edition: Edition, persona: str
) -> None:
    closes = edition.deadlines.get(phase=Phase.ABSTRACT_REGISTRATION).closes_at
    user = persona_user(request, persona)
    assert can_register_submission(user, edition, closes)
    verdict = can_register_submission(user, edition, closes + timedelta(seconds=1))
    assert not verdict
    assert verdict.reason.startswith("Abstract registration is closed for this edition. The abstract registration")


def test_nobody_registers_without_an_abstract_deadline(outsider: Any) -> None:
    verdict = can_register_submission(outsider, EditionFactory())
    assert not verdict
    assert verdict.reason


# --- can_list_all_submissions --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair", "superuser"])
def test_chairs_list_all_submissions(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_list_all_submissions(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", others("chair", "superuser"))
def test_others_do_not_list_all_submissions(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_list_all_submissions(persona_user(request, persona), edition)
    assert not verdict
    assert verdict.reason == (
        SIGN_IN_FIRST.reason if persona == "anonymous" else "Only the PC chairs see the list of all submissions."
    )


# --- can_view_submission / can_download_file -----------------------------------------------


@pytest.mark.parametrize("persona", SEES_SUBMISSION)
def test_authors_and_chairs_view_the_submission(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    assert can_view_submission(persona_user(request, persona), submission)


@pytest.mark.parametrize("persona", others(*SEES_SUBMISSION))
def test_others_do_not_view_the_submission(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    verdict = can_view_submission(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == (
        SIGN_IN_FIRST.reason if persona == "anonymous" else "You are not an author of this submission."
    )


@pytest.mark.parametrize("persona", SEES_SUBMISSION)
def test_authors_and_chairs_download_files(
    request: pytest.FixtureRequest, paper_file: SubmissionFile, persona: str
) -> None:
    assert can_download_file(persona_user(request, persona), paper_file)


@pytest.mark.parametrize("persona", others(*SEES_SUBMISSION))
def test_others_do_not_download_files(request: pytest.FixtureRequest, paper_file: SubmissionFile, persona: str) -> None:
    verdict = can_download_file(persona_user(request, persona), paper_file)
    assert not verdict
    assert verdict.reason


def test_chair_of_another_edition_does_not_view_the_submission(submission: Submission) -> None:
    other_chair = RoleFactory(edition=EditionFactory(), kind=RoleKind.PC_CHAIR).user
    assert not can_view_submission(other_chair, submission)
    assert not can_see_authors(other_chair, submission)


def test_co_author_known_only_by_a_verified_address_views_the_submission(submission: Submission) -> None:
    """The second author was listed by e-mail before having an account; a verified
    (secondary) address of an account makes its owner an author."""
    coauthor = UserFactory(email="primary@example.org")
    assert not can_view_submission(coauthor, submission)
    EmailAddress.objects.create(user=coauthor, email="coauthor@example.org", verified=True, primary=False)
    coauthor = type(coauthor).objects.get(pk=coauthor.pk)  # a fresh object: facts are cached per object
    assert can_view_submission(coauthor, submission)
    assert can_see_authors(coauthor, submission)


def test_an_unverified_address_does_not_make_an_author(submission: Submission) -> None:
    claimant = UserFactory(email="claimant@example.org")
    EmailAddress.objects.create(user=claimant, email="coauthor@example.org", verified=False, primary=False)
    verdict = can_view_submission(claimant, submission)
    assert not verdict
    assert verdict.reason == "You are not an author of this submission."


# --- can_see_authors (double-blind) --------------------------------------------------------


@pytest.mark.parametrize("persona", SEES_SUBMISSION)
def test_authors_and_chairs_see_the_authors(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    assert can_see_authors(persona_user(request, persona), submission)


@pytest.mark.parametrize("persona", others(*SEES_SUBMISSION))
def test_double_blind_hides_the_authors_from_everyone_else(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    verdict = can_see_authors(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == "Reviewing is double-blind: the authors' names are hidden."


# --- can_edit_submission / can_upload_paper: the authors, until the paper deadline -----------

AUTHOR_CHANGES = [can_edit_submission, can_upload_paper]
ONLY_AUTHORS = "Only the authors can change this submission."


def refusal(persona: str, reason: str) -> str:
    return SIGN_IN_FIRST.reason if persona == "anonymous" else reason


@pytest.mark.parametrize("rule", AUTHOR_CHANGES)
def test_authors_change_their_submission_while_the_paper_phase_is_open(
    request: pytest.FixtureRequest, submission: Submission, rule: Any
) -> None:
    assert rule(persona_user(request, "author"), submission)


@pytest.mark.parametrize("rule", AUTHOR_CHANGES)
@pytest.mark.parametrize("persona", others("author"))
def test_nobody_else_changes_a_submission_not_even_a_chair(
    request: pytest.FixtureRequest, submission: Submission, rule: Any, persona: str
) -> None:
    verdict = rule(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == refusal(persona, ONLY_AUTHORS)


@pytest.mark.parametrize("rule", AUTHOR_CHANGES)
def test_authors_change_nothing_after_the_paper_deadline(submission: Submission, author: Any, rule: Any) -> None:
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    assert rule(author, submission, closes)
    verdict = rule(author, submission, closes + timedelta(seconds=1))
    assert not verdict
    assert verdict.reason.startswith("The paper submission deadline passed at ")
    assert verdict.reason.endswith("AoE).")


@pytest.mark.parametrize("rule", AUTHOR_CHANGES)
def test_an_extension_reopens_changes_for_that_paper_to_the_second(
    submission: Submission, author: Any, chair: Any, rule: Any
) -> None:
    until = deadline_of(submission.edition, Phase.PAPER_SUBMISSION) + timedelta(hours=2)
    extend(submission, chair, until)
    assert rule(author, submission, until)
    verdict = rule(author, submission, until + timedelta(seconds=1))
    assert not verdict
    assert verdict.reason.startswith("The extended deadline of this paper passed at ")


@pytest.mark.parametrize("rule", [*AUTHOR_CHANGES, can_upload_supplementary, can_declare_author_conflicts])
def test_a_withdrawn_submission_cannot_be_changed_by_its_authors(
    submission: Submission, author: Any, supplementary_deadline: Any, rule: Any
) -> None:
    submission_withdraw(submission=submission, by=author)
    verdict = rule(author, submission)
    assert not verdict
    assert verdict.reason == "This submission is withdrawn."


@pytest.mark.parametrize("rule", AUTHOR_CHANGES)
def test_a_co_author_who_claimed_the_address_may_change_it(submission: Submission, rule: Any) -> None:
    coauthor = UserFactory(email="primary@example.org")
    assert not rule(coauthor, submission)
    EmailAddress.objects.create(user=coauthor, email="coauthor@example.org", verified=True)
    assert rule(type(coauthor).objects.get(pk=coauthor.pk), submission)


# --- can_upload_supplementary: its own deadline ---------------------------------------------


def test_supplementary_upload_follows_its_own_deadline(
    submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    paper_closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    assert not can_upload_paper(author, submission, paper_closes + timedelta(seconds=1))
    assert can_upload_supplementary(author, submission, paper_closes + timedelta(seconds=1))
    assert can_upload_supplementary(author, submission, supplementary_deadline.closes_at)
    verdict = can_upload_supplementary(author, submission, supplementary_deadline.closes_at + timedelta(seconds=1))
    assert not verdict
    assert verdict.reason.startswith("The supplementary material deadline passed at ")


def test_no_supplementary_upload_without_its_phase(submission: Submission, author: Any) -> None:
    verdict = can_upload_supplementary(author, submission)
    assert not verdict
    assert verdict.reason == "Supplementary material has no deadline set for MLSys 2027 yet."


@pytest.mark.parametrize("persona", others("author"))
def test_only_authors_upload_supplementary_material(
    request: pytest.FixtureRequest, submission: Submission, supplementary_deadline: Any, persona: str
) -> None:
    verdict = can_upload_supplementary(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == refusal(persona, ONLY_AUTHORS)


# --- can_declare_author_conflicts: authors until the deadline, chairs at any time -----------

DECLARES_FOR_AUTHORS = ("author", "chair", "superuser")


@pytest.mark.parametrize("persona", DECLARES_FOR_AUTHORS)
def test_authors_and_chairs_declare_the_authors_conflicts(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    assert can_declare_author_conflicts(persona_user(request, persona), submission)


@pytest.mark.parametrize("persona", others(*DECLARES_FOR_AUTHORS))
def test_others_do_not_declare_the_authors_conflicts(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    verdict = can_declare_author_conflicts(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == refusal(persona, ONLY_AUTHORS)


def test_after_the_paper_deadline_only_chairs_change_the_authors_conflicts(
    submission: Submission, author: Any, chair: Any
) -> None:
    late = deadline_of(submission.edition, Phase.PAPER_SUBMISSION) + timedelta(seconds=1)
    verdict = can_declare_author_conflicts(author, submission, late)
    assert not verdict
    assert verdict.reason.startswith("The paper submission deadline passed")
    assert can_declare_author_conflicts(chair, submission, late)


# --- can_withdraw_submission -----------------------------------------------------------------

WITHDRAWS = ("author", "chair", "superuser")


@pytest.mark.parametrize("persona", WITHDRAWS)
def test_authors_and_chairs_withdraw_even_after_the_deadline(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    assert can_withdraw_submission(persona_user(request, persona), submission)
    Deadline.objects.filter(edition=submission.edition).delete()
    fresh = Submission.objects.get(pk=submission.pk)
    assert can_withdraw_submission(persona_user(request, persona), fresh)


@pytest.mark.parametrize("persona", others(*WITHDRAWS))
def test_others_do_not_withdraw(request: pytest.FixtureRequest, submission: Submission, persona: str) -> None:
    verdict = can_withdraw_submission(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == refusal(persona, "Only the authors or the chairs can withdraw a submission.")


@pytest.mark.parametrize("persona", WITHDRAWS)
def test_nobody_withdraws_twice(
    request: pytest.FixtureRequest, submission: Submission, author: Any, persona: str
) -> None:
    submission_withdraw(submission=submission, by=author)
    verdict = can_withdraw_submission(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == "This submission is already withdrawn."


# --- can_grant_extension ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair", "superuser"])
def test_chairs_grant_extensions(request: pytest.FixtureRequest, submission: Submission, persona: str) -> None:
    assert can_grant_extension(persona_user(request, persona), submission)


@pytest.mark.parametrize("persona", others("chair", "superuser"))
def test_others_do_not_grant_extensions(request: pytest.FixtureRequest, submission: Submission, persona: str) -> None:
    verdict = can_grant_extension(persona_user(request, persona), submission)
    assert not verdict
    assert verdict.reason == "Only the PC chairs can extend a deadline."


def test_a_chair_of_another_edition_grants_no_extension(submission: Submission) -> None:
    other_chair = RoleFactory(edition=EditionFactory(), kind=RoleKind.PC_CHAIR).user
    assert not can_grant_extension(other_chair, submission)
    assert not can_declare_author_conflicts(other_chair, submission)
    assert not can_withdraw_submission(other_chair, submission)


# --- can_declare_own_conflicts: the PC, titles and abstracts only ----------------------------

ON_PC = ("pc_systems", "pc_ml", "chair")


@pytest.mark.parametrize("persona", ON_PC)
def test_pc_members_declare_their_own_conflicts(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_declare_own_conflicts(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", others(*ON_PC))
def test_others_have_no_conflicts_of_their_own_to_declare(
    request: pytest.FixtureRequest, edition: Edition, persona: str
) -> None:
    verdict = can_declare_own_conflicts(persona_user(request, persona), edition)
    assert not verdict
    assert verdict.reason == refusal(persona, "Only members of the programme committee declare their own conflicts.")


def test_pc_of_another_edition_declares_nothing_here(edition: Edition) -> None:
    elsewhere = RoleFactory(edition=EditionFactory(), kind=RoleKind.PC_MEMBER).user
    assert not can_declare_own_conflicts(elsewhere, edition)
