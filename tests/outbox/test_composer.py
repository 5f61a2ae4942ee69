"""The chairs' mail composer: recipient sets registered by the apps, placeholders checked against
the set (no author names in mail to reviewers), a preview that is exactly what is sent, and a
held batch of one mail per recipient that goes out once released."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionlog.models import Action
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from mlsys_conf.policy import PolicyDenied
from outbox.composer import mail_compose, mail_compose_queue
from outbox.models import BatchStatus, Mail, MailStatus
from outbox.recipients import recipient_set, recipient_sets
from outbox.rendering import undeclared
from outbox.services import mail_batch_release
from submissions.models import SubmissionState
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

PAPER_MAIL = {
    "subject": "#{{ paper.number }}: {{ paper.title }}",
    "body": "Dear {{ recipient.name }},\n\nyour paper {{ paper.title }} by {{ paper.authors }} at {{ edition.name }}.",
}


@pytest.fixture
def two_papers(submission: Any, edition: Any) -> Any:
    """Paper #1 (a PDF, two authors) and #2 (abstract only, one author); #3 is withdrawn."""
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    draft = SubmissionFactory(edition=edition, number=2, title="Abstract Only", state=SubmissionState.ABSTRACT)
    AuthorFactory(submission=draft, position=1, name="Solo Writer", email="solo@example.org")
    gone = SubmissionFactory(edition=edition, number=3, title="Gone", state=SubmissionState.WITHDRAWN)
    AuthorFactory(submission=gone, position=1, name="Gone Writer", email="gone@example.org")
    return submission, draft


def compose(edition: Any, chair: Any, key: str, mail: dict[str, str], **kwargs: Any) -> Any:
    return mail_compose(edition=edition, recipient_set_key=key, by=chair, essential=True, **{**mail, **kwargs})


def test_the_apps_register_their_recipient_sets() -> None:
    keys = {s.key for s in recipient_sets()}
    assert {
        "submissions.active_authors",
        "submissions.authors_without_pdf",
        "committees.pc",
        "committees.ae",
        "reviews.incomplete",
    } <= keys


def test_a_per_paper_set_mails_each_author_of_each_paper_with_the_paper(
    two_papers: Any, edition: Any, chair: Any
) -> None:
    composition = compose(edition, chair, "submissions.active_authors", PAPER_MAIL, limit=None)
    sent = [(m.recipient.email, m.recipient.paper_id, m.subject) for m in composition.mails]
    paper, draft = two_papers
    assert sent == [
        ("author@example.org", paper.pk, "#1: Fast Sparse Attention Kernels"),
        ("coauthor@example.org", paper.pk, "#1: Fast Sparse Attention Kernels"),
        ("solo@example.org", draft.pk, "#2: Abstract Only"),
    ]  # the withdrawn paper's author is not mailed
    assert "Dear Co Author,\n\nyour paper Fast Sparse Attention Kernels by" in composition.mails[1].body
    assert "MLSys 2027" in composition.mails[1].body


def test_papers_with_no_pdf(two_papers: Any, edition: Any, chair: Any) -> None:
    composition = compose(edition, chair, "submissions.authors_without_pdf", PAPER_MAIL, limit=None)
    assert [m.recipient.email for m in composition.mails] == ["solo@example.org"]


def test_committee_sets(edition: Any, chair: Any, pc_systems: Any, pc_ml: Any, ae_member: Any) -> None:
    mail = {"subject": "Hello", "body": "{{ recipient.name }}, {{ member.role }} {{ member.area }}"}
    pc = compose(edition, chair, "committees.pc", mail, limit=None)
    assert sorted(m.recipient.email for m in pc.mails) == ["chair@example.org", "ml@example.org", "sys@example.org"]
    ae = compose(edition, chair, "committees.ae", mail, limit=None)
    assert [m.recipient.email for m in ae.mails] == ["ae@example.org"]
    assert "AE committee member" in ae.mails[0].body


def test_reviewers_with_incomplete_reviews_get_their_missing_papers(
    two_papers: Any, edition: Any, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    paper, draft = two_papers
    for submission in (paper, draft):
        Assignment.objects.create(
            submission=submission,
            user=pc_systems,
            kind=AssignmentKind.REVIEW,
            source=AssignmentSource.MANUAL,
            is_committed=True,
        )
    mail = {
        "subject": "{{ missing_count }} reviews missing",
        "body": "{% for paper in missing %}#{{ paper.number }} {{ paper.title }} due {{ paper.deadline }}\n"
        "{% endfor %}",
    }
    composition = compose(edition, chair, "reviews.incomplete", mail, limit=None)
    assert [m.recipient.email for m in composition.mails] == ["sys@example.org"]  # pc_ml owes nothing
    assert composition.mails[0].subject == "2 reviews missing"
    assert "#1 Fast Sparse Attention Kernels due" in composition.mails[0].body
    assert "#2 Abstract Only due" in composition.mails[0].body


def test_author_placeholders_are_refused_in_mail_to_reviewers(edition: Any, chair: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        compose(
            edition,
            chair,
            "reviews.incomplete",
            {"subject": "Hi", "body": "{% for p in missing %}{{ p.title }}{% endfor %} by {{ paper.authors }}"},
        )
    assert "{{ paper.authors }}" in str(refused.value.message_dict["body"])
    assert "reviewers with incomplete reviews" in str(refused.value.message_dict["body"])


@pytest.mark.parametrize(
    "text",
    [
        "{{ author.email }}",
        "{% if paper.authors %}x{% endif %}",
        "{{ recipient.name|default:paper.authors }}",
        "{% with who=paper.authors %}{{ who }}{% endwith %}",
        "{% for a in paper.authors %}{{ a }}{% endfor %}",
    ],
)
def test_placeholders_are_found_wherever_they_hide(text: str) -> None:
    declared = recipient_set("committees.pc").placeholders  # type: ignore[union-attr]
    assert undeclared(text, declared)


def test_declared_placeholders_and_names_the_template_binds_pass() -> None:
    declared = recipient_set("reviews.incomplete").placeholders  # type: ignore[union-attr]
    text = "{{ recipient.name }} {% for p in missing %}{{ forloop.counter }} {{ p.title|upper }}{% endfor %}"
    assert undeclared(text, declared) == []


def test_a_template_that_does_not_compile_is_refused(edition: Any, chair: Any) -> None:
    with pytest.raises(ValidationError, match="cannot be rendered"):
        compose(edition, chair, "committees.pc", {"subject": "Hi", "body": "{% if %}"})


def test_only_chairs_compose(edition: Any, pc_systems: Any) -> None:
    with pytest.raises(PolicyDenied):
        compose(edition, pc_systems, "committees.pc", {"subject": "Hi", "body": "Hi"})


def test_the_preview_is_exactly_what_the_batch_sends(
    two_papers: Any,
    edition: Any,
    chair: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    preview = compose(edition, chair, "submissions.active_authors", PAPER_MAIL)
    assert preview.recipient_count == 3
    batch = mail_compose_queue(
        edition=edition, recipient_set_key="submissions.active_authors", by=chair, essential=True, **PAPER_MAIL
    )
    assert batch.status == BatchStatus.HELD
    mails = list(batch.mails.order_by("pk"))
    assert [m.status for m in mails] == [MailStatus.HELD] * 3
    assert [(m.to_email, m.subject, m.body) for m in mails[:3]] == [
        (p.recipient.email, p.subject, p.body) for p in preview.mails
    ]
    assert mailoutbox == []
    assert Action.objects.filter(action="mail.composed", target_id=batch.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert mail_batch_release(batch=batch, by=chair) == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["author@example.org", "coauthor@example.org", "solo@example.org"]
    assert Mail.objects.filter(batch=batch, status=MailStatus.SENT).count() == 3


def test_an_empty_set_queues_nothing(edition: Any, chair: Any) -> None:
    with pytest.raises(ValidationError, match="Nobody"):
        mail_compose_queue(
            edition=edition, recipient_set_key="committees.ae", by=chair, essential=True, subject="a", body="b"
        )


def test_an_unknown_set_is_refused(edition: Any, chair: Any) -> None:
    with pytest.raises(ValidationError, match="Choose one"):
        compose(edition, chair, "nobody.at.all", {"subject": "Hi", "body": "Hi"})


# --- The page and the API ---------------------------------------------------------------------


def test_the_compose_page_previews_and_queues(client: Any, two_papers: Any, edition: Any, chair: Any) -> None:
    client.force_login(chair)
    url = reverse("outbox:compose", kwargs={"edition_slug": edition.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert "paper.title" in page.content.decode()  # the placeholders each set offers
    assert url in client.get(reverse("outbox:mail", kwargs={"edition_slug": edition.slug})).content.decode()

    form = {"recipient_set": "submissions.active_authors", "essential": "yes", **PAPER_MAIL}
    preview = client.post(url, {**form, "preview": ""})
    assert preview.status_code == 200
    assert "#1: Fast Sparse Attention Kernels" in preview.content.decode()
    assert not Mail.objects.exists()

    refused = client.post(url, {**form, "recipient_set": "committees.pc", "preview": ""})
    assert refused.status_code == 400
    assert "Not available in mail to the whole pc" in refused.content.decode()

    queued = client.post(url, {**form, "queue": ""})
    assert queued.status_code == 302
    assert Mail.objects.filter(status=MailStatus.HELD).count() == 3


def test_the_api_lists_sets_previews_and_queues(client: Any, two_papers: Any, edition: Any, chair: Any) -> None:
    client.force_login(chair)
    base = f"/api/editions/{edition.slug}/"
    sets = client.get(base + "mail-recipient-sets/").json()
    pc = next(s for s in sets if s["key"] == "committees.pc")
    assert "member.role" in [p["name"] for p in pc["placeholders"]]
    assert "paper.title" not in [p["name"] for p in pc["placeholders"]]

    body = {"recipient_set": "submissions.active_authors", "essential": False, **PAPER_MAIL}
    preview = client.post(base + "mail-compose/preview/", body, content_type="application/json")
    assert preview.status_code == 200
    data = preview.json()
    assert data["recipient_count"] == 3
    assert "/profile/mail/unsubscribe/" in data["mails"][0]["body"]  # not essential: the link

    bad = client.post(
        base + "mail-compose/preview/", {**body, "recipient_set": "committees.pc"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "paper.title" in str(bad.json())

    queued = client.post(
        base + "mail-compose/queue/", {**body, "name": "Call for artifacts"}, content_type="application/json"
    )
    assert queued.status_code == 201
    assert queued.json()["name"] == "Call for artifacts"
    assert queued.json()["held_count"] == 3
    assert not Mail.objects.filter(essential=True).exists()
