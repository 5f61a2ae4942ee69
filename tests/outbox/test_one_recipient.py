"""Every mail the application can send is rendered for one person and addressed to that person
alone (issue 12): exactly one address in To, no Cc, no Bcc, no Reply-To, and no other person's
address anywhere in its headers, nor in its text.

Each kind of mail is triggered through its real service or job in a world of several people,
and both what is stored (the :class:`outbox.models.Mail` rows) and what is handed to the e-mail
backend (Django's locmem ``mail.outbox``, with every header as the SMTP server would get it) are
checked. A kind is "seen" when its template is rendered (file or edition template), when a
composer set is queued, or when allauth renders one of its mails; each test names the kinds it
covers and fails if one of them was not seen, and :func:`test_every_kind_of_mail_is_covered`
fails when a new mail template, composer set or allauth mail appears that no test here covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

import outbox.allauth_adapter
import outbox.services
from assignments.services import assignment_add, assignments_commit
from committees.models import Invitation
from committees.services import invitation_send
from conferences.models import Area, Deadline, Edition, Phase, ReleaseKind
from conferences.releases import release_now
from conferences.roles import RoleKind
from decisions.services import categories_of, decision_set
from outbox.composer import mail_compose_queue
from outbox.models import Mail, MailBatch, MailStatus
from outbox.recipients import recipient_sets
from outbox.rendering import template_keys
from outbox.sending import message_id
from outbox.services import mail_batch_release
from reviews import external
from reviews.discussion import comment_digest, comment_post, follow_set, preference_set
from reviews.models import ExternalRequest, NotifyMode
from reviews.reminders import remind_missing_reviews
from reviews.responses import response_save
from site_pages.notifications import announce_closed_phases, send_deadline_reminders
from submissions.models import Author, AuthorDispute, Submission, SubmissionState
from submissions.services import (
    AuthorInput,
    author_dispute_record,
    paper_upload,
    submission_desk_reject,
    submission_register,
)
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.pdfs import make_pdf
from tests.factories.reviews import COMPLETE_REVIEW, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# allauth mails this site never sends, and the setting that would turn each on: if one is turned
# on, its mail must get a test here.
ALLAUTH_OFF = {
    "account/email/login_code": "LOGIN_BY_CODE_ENABLED",
    "account/email/password_reset_code": "PASSWORD_RESET_BY_CODE_ENABLED",
    **{
        f"account/email/{name}": "EMAIL_NOTIFICATIONS"
        for name in ("password_reset", "password_changed", "password_set", "email_changed", "email_confirm")
    },
    "account/email/email_deleted": "EMAIL_NOTIFICATIONS",
}

# The one mail kinds whose text (never headers) names another person's address: what the mail
# is about, which its reader must check. Each maps to the addresses it may name.
BODY_MAY_NAME: dict[str, Callable[[], set[str]]] = {
    # The chairs and the submitter read which listed address says it is not an author.
    "submissions/mail/author_dispute": lambda: set(AuthorDispute.objects.values_list("email", flat=True)),
    # The chairs approve a reviewer's request for this person, by name and address.
    "reviews/mail/external_requested": lambda: set(ExternalRequest.objects.values_list("email", flat=True)),
}

# What each test below triggers (checked there; their union is checked against the registry).
COVERS: dict[str, set[str]] = {
    "submissions": {
        "submissions/mail/new_author",
        "submissions/mail/receipt",
        "submissions/mail/author_dispute",
        "submissions/mail/desk_rejected",
    },
    "phases": {
        "committees/mail/invitation",
        "bidding/mail/few_bids",
        "conferences/mail/phase_closed",
        "conferences/mail/deadline_reminder",
    },
    "reviews": {
        "assignments/mail/assigned",
        "reviews/mail/review_changed",
        "reviews/mail/comment",
        "reviews/mail/comment_digest",
        "reviews/mail/external_requested",
        "reviews/mail/external_invitation",
        "reviews/mail/response_submitted",
        "reviews/mail/review_updated_after_response",
        "reviews/mail/missing_reviews",
        "reviews/mail/missing_reviews_summary",
    },
    "composer": {
        "composer:decisions.accepted_authors",
        "composer:decisions.rejected_authors",
        "composer:decisions.decided_authors",
        "composer:submissions.active_authors",
        "composer:submissions.authors_without_pdf",
        "composer:reviews.incomplete",
        "composer:committees.pc",
        "composer:committees.ae",
    },
    "artifact_thread": {"artifacts/mail/thread_message"},
    "artifact_results": {
        "artifacts/mail/registration_reminder",
        "artifacts/mail/evaluation_reminder",
        "artifacts/mail/badges_released",
    },
    "camera_ready": {"camera_ready/mail/incomplete_reminder"},
    "allauth": {
        "account/email/email_confirmation_signup",
        "account/email/email_confirmation",
        "account/email/account_already_exists",
        "account/email/password_reset_key",
        "account/email/unknown_account",
    },
}


class Spy:
    """Which kind of mail each stored row is: the template rendered just before the row was
    queued (file templates, an edition's own wording and allauth's alike), or the composer set
    a held batch was queued for."""

    def __init__(self) -> None:
        self.kind_of: dict[int, str] = {}
        self.batch_kind: dict[int, str] = {}
        self._rendering: str | None = None

    def rendering(self, key: str) -> None:
        self._rendering = key

    def queued(self, mail: Mail) -> None:
        if self._rendering is not None:
            self.kind_of[mail.pk] = self._rendering
            self._rendering = None

    def kind(self, mail: Mail) -> str:
        if mail.batch_id is not None:
            return self.batch_kind[mail.batch_id]
        return self.kind_of[mail.pk]

    def seen(self) -> set[str]:
        return {self.kind(mail) for mail in Mail.objects.all()}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Spy:
    settings.MAIL_RATE_PER_MINUTE = 0  # many mails in a moment here
    settings.COAUTHOR_MAIL_PER_HOUR = settings.COAUTHOR_MAIL_PER_DAY = 1000
    spy = Spy()
    render_mail, mail_queue = outbox.services.render_mail, outbox.services.mail_queue
    render_allauth = outbox.allauth_adapter.AccountAdapter.render_mail

    def spied_render(key: str, *args: Any, **kwargs: Any) -> Any:
        spy.rendering(key)
        return render_mail(key, *args, **kwargs)

    def spied_queue(**kwargs: Any) -> Mail:
        mail = mail_queue(**kwargs)
        spy.queued(mail)
        return mail

    def spied_allauth(self: Any, template_prefix: str, *args: Any, **kwargs: Any) -> Any:
        spy.rendering(template_prefix)
        return render_allauth(self, template_prefix, *args, **kwargs)

    monkeypatch.setattr(outbox.services, "render_mail", spied_render)
    monkeypatch.setattr(outbox.services, "mail_queue", spied_queue)
    monkeypatch.setattr(outbox.allauth_adapter, "mail_queue", spied_queue)
    monkeypatch.setattr(outbox.allauth_adapter.AccountAdapter, "render_mail", spied_allauth)
    return spy


def people() -> set[str]:
    """Every address a person is known by here: accounts and their other addresses, listed
    authors, invitees, external reviewers."""
    addresses: set[str] = set()
    addresses |= {e.lower() for e in EmailAddress.objects.values_list("email", flat=True)}
    for model in (Author, Invitation, ExternalRequest):
        addresses |= {e.lower() for e in model.objects.values_list("email", flat=True)}
    from accounts.models import User

    addresses |= {e.lower() for e in User.objects.values_list("email", flat=True)}
    return addresses


def addresses_in(text: str) -> set[str]:
    return {found.lower() for found in ADDRESS.findall(text)}


def assert_one_recipient_each(spy: Spy, covers: set[str]) -> None:
    """The test's kinds were all seen, and every mail stored and sent is one person's alone."""
    mails = list(Mail.objects.order_by("pk"))
    assert mails, "no mail was queued"
    missing = covers - spy.seen()
    assert not missing, f"these kinds were not triggered: {sorted(missing)}"
    everyone = people()
    sent = {message.extra_headers["Message-ID"]: message for message in django_mail.outbox}
    for mail in mails:
        kind = spy.kind(mail)
        others = everyone - {mail.to_email.lower()}
        where = f"{kind} to {mail.to_email}"
        # The stored row: one address, the subject names no one else, the text names no one else
        # (but what the kind is about).
        assert [address for _name, address in getaddresses([mail.to_email])] == [mail.to_email], where
        assert not addresses_in(mail.subject) & others, where
        allowed = BODY_MAY_NAME[kind]() if kind in BODY_MAY_NAME else set()
        named = (addresses_in(mail.body) | addresses_in(mail.html_body)) & others
        assert not named - allowed, f"{where} names {sorted(named - allowed)}"
        assert mail.status == MailStatus.SENT, f"{where} is {mail.status}: {mail.last_error}"
        # What the backend was handed, with every header as the SMTP server gets it.
        message = sent.pop(message_id(mail))
        assert message.to == [mail.to_email], where
        assert (message.cc, message.bcc, message.reply_to) == ([], [], []), where
        assert message.recipients() == [mail.to_email], where
        assert message.from_email == settings.DEFAULT_FROM_EMAIL, where
        rendered = message.message()
        for header, value in rendered.items():
            assert not addresses_in(str(value)) & others, f"{where}: {header} names another person"
        for header in ("Cc", "Bcc", "Reply-To", "Sender"):
            assert rendered.get_all(header) is None, f"{where}: {header}"
        assert len(rendered.get_all("To")) == 1, where
        text = message.body + "".join(str(content) for content, _type in getattr(message, "alternatives", []))
        assert not (addresses_in(text) & others) - allowed, where
    assert not sent, f"sent without a row: {[m.to for m in sent.values()]}"


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Call a service or job as a request or a worker would: its mail is sent once it commits."""

    def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def chairs_and_committee(edition: Edition) -> dict[str, Any]:
    made = {
        "chair": RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair@chairs.example.org").user,
        "chair2": RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@chairs.example.org").user,
        "ae": RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user__email="ae@ae.example.org").user,
    }
    for area in (Area.SYSTEMS, Area.ML):
        for i in (1, 2):
            role = RoleFactory(
                edition=edition, kind=RoleKind.PC_MEMBER, area=area, user__email=f"{area}{i}@pc{i}.example.net"
            )
            made[f"{area}{i}"] = role.user
    return made


# --- Mail about submissions -------------------------------------------------------------------


def test_submission_mail(edition: Edition, spy: Spy, run: Callable[..., Any]) -> None:
    people = chairs_and_committee(edition)
    author = UserFactory(email="ada@uni-a.example.edu")
    co = UserFactory(email="grace@uni-b.example.edu")
    paper = run(
        submission_register,
        edition=edition,
        title="Sparse kernels",
        abstract="An abstract long enough to be an abstract of a paper about kernels.",
        topic=Area.SYSTEMS,
        authors=[
            AuthorInput(name="Ada A", email=author.email, is_contact=True),
            AuthorInput(name="Grace B", email=co.email, is_contact=True),
            AuthorInput(name="Carl C", email="carl@uni-c.example.edu"),
            AuthorInput(name="Dora D", email="dora@uni-d.example.edu"),
        ],
        by=author,
    )
    run(paper_upload, submission=paper, content=make_pdf(2), filename="paper.pdf", by=author)
    run(author_dispute_record, submission=paper, email="dora@uni-d.example.edu")
    run(submission_desk_reject, submission=paper, reason="Over the page limit.", by=people["chair"])
    assert_one_recipient_each(spy, COVERS["submissions"])


# --- Invitations, bidding and phases ----------------------------------------------------------


def test_invitation_bidding_and_phase_mail(edition: Edition, spy: Spy, run: Callable[..., Any]) -> None:
    people = chairs_and_committee(edition)
    for number in (1, 2, 3):
        paper = SubmissionFactory(edition=edition, number=number, state=SubmissionState.SUBMITTED)
        AuthorFactory(submission=paper, position=1, email=f"author{number}@uni{number}.example.org", is_contact=True)
    for email, area in (("new-sys@lab.example.com", Area.SYSTEMS), ("new-ml@lab.example.com", Area.ML)):
        run(invitation_send, edition=edition, email=email, kind=RoleKind.PC_MEMBER, area=area, by=people["chair"])
    now = timezone.now()
    windows = {
        Phase.ABSTRACT_REGISTRATION: now - timedelta(days=3),
        Phase.PAPER_SUBMISSION: now - timedelta(hours=20),
        Phase.BIDDING: now + timedelta(hours=30),
    }
    for phase, closes_at in windows.items():
        Deadline.objects.filter(edition=edition, phase=phase).update(closes_at=closes_at)
    from bidding.notifications import remind_few_bids

    run(remind_few_bids, now)
    run(announce_closed_phases, now)
    run(send_deadline_reminders, now + timedelta(hours=10))  # bidding closes within a day
    assert_one_recipient_each(spy, COVERS["phases"])


# --- Review, discussion, responses, externals and reminders -------------------------------------


@pytest.fixture
def reviewing_world(edition: Edition, spy: Spy, run: Callable[..., Any]) -> dict[str, Any]:
    """Two papers with two authors each (accounts), two chairs, four PC members committed by the
    chairs' commit, the AE committee; reviewing open."""
    people = chairs_and_committee(edition)
    papers = []
    for number in (1, 2):
        paper = SubmissionFactory(
            edition=edition, number=number, title=f"Paper {number}", state=SubmissionState.SUBMITTED
        )
        for position in (1, 2):
            user = UserFactory(email=f"author{number}{position}@uni{number}{position}.example.org")
            AuthorFactory(submission=paper, position=position, email=user.email, user=user, is_contact=True)
        papers.append(paper)
    chair = people["chair"]
    for paper, i in zip(papers, (1, 2), strict=True):
        assignment_add(submission=paper, user=people[f"{Area.SYSTEMS}{i}"], by=chair)
        assignment_add(submission=paper, user=people[f"{Area.ML}{i}"], by=chair)
    run(assignments_commit, edition=edition, by=chair, override_reason="The test's papers are all in.")
    open_reviewing(edition)
    return {**people, "papers": papers}


def test_review_mail(edition: Edition, reviewing_world: dict[str, Any], spy: Spy, run: Callable[..., Any]) -> None:
    w = reviewing_world
    paper = w["papers"][0]
    sys1, ml1, chair = w[f"{Area.SYSTEMS}1"], w[f"{Area.ML}1"], w["chair"]
    run(preference_set, by=w["chair2"], edition=edition, mode=NotifyMode.DIGEST)
    run(follow_set, by=w["chair2"], submission=paper, follows=True)
    run(write_review, paper, sys1)
    run(write_review, paper, ml1, merit=3)
    run(comment_post, by=sys1, submission=paper, body="Reviewer B, is the baseline fair?", audience="pc")
    run(comment_digest, timezone.now() + timedelta(days=1))
    request = run(
        external.external_request, by=sys1, submission=paper, name="Erin External", email="erin@kernels.example.com"
    )
    run(external.external_approve, by=chair, request=request)
    # Reviewing closes with paper 2's reviews missing; the authors respond to paper 1's.
    now = timezone.now()
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=now - timedelta(hours=1))
    Deadline.objects.create(edition=edition, phase=Phase.AUTHOR_RESPONSE, closes_at=now + timedelta(days=5))
    edition = Edition.objects.get(pk=edition.pk)  # its phases, read again
    paper = Submission.objects.get(pk=paper.pk)
    run(release_now, by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    author = paper.authors.get(position=1).user
    run(response_save, by=author, submission=paper, body="Our answer to the reviews.", submit=True)
    review = paper.reviews.get(reviewer=ml1)
    from reviews import services as review_services

    run(review_services.review_save, by=ml1, review=review, answers={**COMPLETE_REVIEW, "merit": 5}, submit=True)
    run(remind_missing_reviews, now)
    assert_one_recipient_each(spy, COVERS["reviews"])


# --- The chairs' composer: every recipient set --------------------------------------------------


def test_composer_mail(edition: Edition, reviewing_world: dict[str, Any], spy: Spy, run: Callable[..., Any]) -> None:
    w = reviewing_world
    chair = w["chair"]
    first, second = w["papers"]
    write_review(first, w[f"{Area.SYSTEMS}1"])
    categories = categories_of(edition)
    accept = next(c for c in categories if c.outcome == "accept")
    reject = next(c for c in categories if c.outcome == "reject")
    decision_set(by=chair, submission=first, category=accept)
    decision_set(by=chair, submission=second, category=reject)
    SubmissionFactory(edition=edition, number=3)  # an abstract, no PDF yet
    AuthorFactory(submission=Submission.objects.get(number=3), position=1, email="late@uni3.example.org")
    for recipient_set in recipient_sets():
        assert recipient_set.recipients(edition, chair), f"nobody in {recipient_set.key}"
        batch = run(
            mail_compose_queue,
            edition=edition,
            recipient_set_key=recipient_set.key,
            subject="[{{ edition.name }}] For {{ recipient.name }}",
            body="Dear {{ recipient.name }} ({{ recipient.email }}),\n\nA word from the chairs.\n",
            essential=True,
            by=chair,
        )
        spy.batch_kind[batch.pk] = f"composer:{recipient_set.key}"
        run(mail_batch_release, batch=batch, by=chair)
    assert MailBatch.objects.count() == len(recipient_sets())
    assert_one_recipient_each(spy, COVERS["composer"])


# --- allauth's mail, through the outbox ---------------------------------------------------------


def test_account_mail(client: Any, spy: Spy, run: Callable[..., Any], django_capture_on_commit_callbacks: Any) -> None:
    UserFactory(email="known@uni.example.org")
    UserFactory(email="other@uni.example.org")
    signup = {
        "password1": "correct-horse-battery-2027",
        "password2": "correct-horse-battery-2027",
        "first_name": "Grace",
        "last_name": "Hopper",
        "affiliation": "Yale University",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"email": "new@uni.example.org", **signup})
        client.post(reverse("account_signup"), {"email": "known@uni.example.org", **signup})
        client.post(reverse("account_reset_password"), {"email": "other@uni.example.org"})
        client.post(reverse("account_reset_password"), {"email": "nobody@uni.example.org"})
    member = UserFactory(email="member@uni.example.org")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "member@home.example.net"})
    assert_one_recipient_each(spy, COVERS["allauth"])


def artifact_world(edition: Edition) -> tuple[Any, list[Any], Any, list[Any]]:
    """An accepted paper with two writers, its artifact, an AE chair and two committed evaluators."""
    from artifacts.models import Artifact, Badge
    from assignments.models import Assignment, AssignmentKind, AssignmentSource

    paper: Any = SubmissionFactory(edition=edition, state=SubmissionState.ACCEPTED, decision_released_at=timezone.now())
    writers = [UserFactory(email=f"writer{i}@uni.example.org") for i in range(2)]
    for position, writer in enumerate(writers, start=1):
        AuthorFactory(submission=paper, position=position, email=writer.email, user=writer)
    artifact = Artifact.objects.create(
        submission=paper, abstract="a", repository_url="https://example.org/r", badges=[Badge.AVAILABLE]
    )
    ae_chair = RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR, user__email="aechair@ae.example.org").user
    evaluators: list[Any] = [
        RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user__email=f"eval{i}@ae.example.org").user
        for i in range(2)
    ]
    for evaluator in evaluators:
        Assignment.objects.create(
            submission=paper,
            user=evaluator,
            kind=AssignmentKind.ARTIFACT,
            source=AssignmentSource.MANUAL,
            is_committed=True,
            committed_at=timezone.now(),
        )
    return artifact, writers, ae_chair, evaluators


def test_artifact_thread_mail(edition: Edition, spy: Spy, run: Callable[..., Any]) -> None:
    """An evaluator asks and an author answers on an artifact's thread: one mail per reader."""
    from artifacts.evaluations import message_post, stage_set

    artifact, writers, ae_chair, evaluators = artifact_world(edition)
    stage_set(edition=edition, stage="kick_the_tires", by=ae_chair)
    run(message_post, artifact=artifact, body="Which CUDA version?", by=evaluators[0])
    run(message_post, artifact=artifact, body="12.4", by=writers[0], fix_url="https://example.org/fix")
    assert Mail.objects.count() == 6  # 2 authors and the other evaluator, then the other author and 2 evaluators
    assert_one_recipient_each(spy, COVERS["artifact_thread"])


def test_artifact_reminders_and_badges_mail(edition: Edition, spy: Spy, run: Callable[..., Any]) -> None:
    """Reminders to register an artifact and to evaluate one, then the badges released."""
    from artifacts import badges, reminders
    from artifacts.models import Badge

    artifact, _writers, ae_chair, _evaluators = artifact_world(edition)
    unregistered: Any = SubmissionFactory(
        edition=edition, number=7, state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
    )
    AuthorFactory(submission=unregistered, position=1, email="late@uni7.example.org", is_contact=True)
    soon = timezone.now() + timedelta(days=2)
    for phase in (Phase.ARTIFACT_REGISTRATION, Phase.ARTIFACT_EVALUATION):
        Deadline.objects.update_or_create(
            edition=edition, phase=phase, defaults={"opens_at": timezone.now() - timedelta(days=5), "closes_at": soon}
        )
    run(reminders.remind_registration)
    run(reminders.remind_evaluation)
    run(badges.badges_decide, artifact=artifact, badges=[Badge.AVAILABLE], by=ae_chair)
    run(badges.badges_release, edition=edition, by=ae_chair)
    assert_one_recipient_each(spy, COVERS["artifact_results"])


def test_camera_ready_reminder_mail(edition: Edition, spy: Spy, run: Callable[..., Any]) -> None:
    """The authors of an accepted paper whose camera-ready version is incomplete: one mail each."""
    from camera_ready import reminders

    paper: Any = SubmissionFactory(
        edition=edition, number=8, state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
    )
    for position in (1, 2):
        writer = UserFactory(email=f"final{position}@uni8.example.org")
        AuthorFactory(submission=paper, position=position, email=writer.email, user=writer)
    Deadline.objects.update_or_create(
        edition=edition,
        phase=Phase.CAMERA_READY,
        defaults={"opens_at": timezone.now() - timedelta(days=5), "closes_at": timezone.now() + timedelta(days=2)},
    )
    run(reminders.remind_incomplete)
    assert Mail.objects.count() == 2
    assert_one_recipient_each(spy, COVERS["camera_ready"])


# --- Nothing escapes the list above -------------------------------------------------------------


def allauth_mails() -> set[str]:
    import allauth

    folder = Path(allauth.__file__).parent / "templates"
    return {
        str(path.relative_to(folder))[: -len("_subject.txt")]
        for path in (folder / "account" / "email").glob("*_subject.txt")
    }


def test_every_kind_of_mail_is_covered() -> None:
    covered = set().union(*COVERS.values())
    for prefix, setting in ALLAUTH_OFF.items():
        assert not getattr(allauth_settings, setting), f"{setting} is on: test its mail {prefix} here"
    expected = (
        set(template_keys())
        | {f"composer:{recipient_set.key}" for recipient_set in recipient_sets()}
        | (allauth_mails() - set(ALLAUTH_OFF))
    )
    assert covered == expected, (
        f"not covered by tests/outbox/test_one_recipient.py: {sorted(expected - covered)}; "
        f"covered but gone: {sorted(covered - expected)}"
    )


def project_modules() -> Iterator[Path]:
    for package in ROOT.iterdir():
        if (package / "__init__.py").exists() and package.name not in {"tests", "bench"}:
            yield from (p for p in package.rglob("*.py") if "migrations" not in p.parts)


def test_mail_leaves_only_through_the_outbox() -> None:
    """Mail is queued through outbox.services (whose callers are covered by kind above) and
    handed to the backend only by outbox.sending: a new way out would escape this test."""
    direct = re.compile(r"\bmail_queue\(|\bsend_mass_mail\b|\bEmail(Message|MultiAlternatives)\b|mail\.send_mail")
    allowed = {"outbox/services.py", "outbox/composer.py", "outbox/allauth_adapter.py", "outbox/sending.py"}
    sending = {str(path.relative_to(ROOT)) for path in project_modules() if direct.search(path.read_text())}
    assert sending == allowed, f"mail sent around the outbox in {sorted(sending - allowed)}"
