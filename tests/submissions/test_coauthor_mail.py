"""Mail to people who did not ask for it: the co-author notice is throttled per account
(counted in the database), needs a verified account, and carries a signed "I am not an author
of this paper" link that stops further mail and tells the chairs and the submitter."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from outbox.models import Mail
from site_pages import notifications as phase_mail
from submissions.author_links import not_an_author_token
from submissions.models import AuthorDispute, AuthorNotice, Submission
from submissions.services import AuthorInput, paper_upload, submission_register
from tests.factories.accounts import UserFactory
from tests.factories.pdfs import make_pdf
from tests.submissions.helpers import author_rows

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/"
NOTICE = "You are an author"


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.COAUTHOR_MAIL_PER_HOUR = 3
    settings.COAUTHOR_MAIL_PER_DAY = 5


def notices_to() -> list[str]:
    return sorted(Mail.objects.filter(subject__contains=NOTICE).values_list("to_email", flat=True))


def coauthors(*names: str) -> list[dict[str, str]]:
    return [{"name": f"Co {n}", "email": f"{n}@example.net"} for n in names]


def register_page(client: Any, edition: Edition, me: Any, *names: str, title: str = "Paper") -> Any:
    rows = [{"name": "Me", "email": me.email, "is_contact": True}, *coauthors(*names)]
    data = {"title": title, "abstract": "A.", "topic": "ml", "keywords": "", **author_rows(*rows)}
    return client.post(reverse("submissions:new", kwargs={"edition_slug": edition.slug}), data, follow=True)


def register_api(client: Any, me: Any, *names: str, title: str = "Paper") -> Any:
    authors = [{"name": "Me", "email": me.email}, *coauthors(*names)]
    body = {"title": title, "abstract": "A.", "topic": "ml", "authors": authors}
    return client.post(API, body, content_type="application/json")


# --- The throttle -----------------------------------------------------------------------------


def test_past_the_hourly_limit_the_paper_is_saved_and_the_author_told_who_was_not_mailed(
    client: Any, edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = register_page(client, edition, author, "a", "b", "c", "d", "e")
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.authors.count() == 6
    assert notices_to() == ["a@example.net", "b@example.net", "c@example.net"]
    html = response.content.decode()
    assert "Not e-mailed: d@example.net, e@example.net." in html
    assert "limit of new co-author addresses (3 an hour, 5 a day)" in html
    assert 'id="not-mailed"' in html  # and on the paper's page for as long as it holds
    assert set(AuthorNotice.objects.filter(mailed=False).values_list("email", flat=True)) == {
        "d@example.net",
        "e@example.net",
    }


def test_the_limit_counts_every_paper_of_the_account_from_the_database(
    client: Any, edition: Edition, author: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        assert register_api(client, author, "a", "b", title="One").status_code == 201
        second = register_api(client, author, "a", "c", "d", title="Two")  # "a" was mailed already: free
    assert second.status_code == 201
    assert second.json()["authors_not_mailed"] == ["d@example.net"]
    assert notices_to() == ["a@example.net", "a@example.net", "b@example.net", "c@example.net"]
    client.force_login(outsider)  # another account has its own allowance
    with django_capture_on_commit_callbacks(execute=True):
        assert register_api(client, outsider, "x", title="Three").json()["authors_not_mailed"] == []
    assert "x@example.net" in notices_to()


def test_the_daily_limit_holds_after_the_hour_has_passed(
    client: Any, edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        register_api(client, author, "a", "b", "c", title="One")
    AuthorNotice.objects.update(created_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        response = register_api(client, author, "d", "e", "f", title="Two")
    assert response.json()["authors_not_mailed"] == ["f@example.net"]
    assert len(notices_to()) == 5


def test_held_back_co_authors_are_mailed_when_the_paper_is_saved_after_the_limit_resets(
    client: Any, edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        number = register_api(client, author, "a", "b", "c", "d").json()["number"]
    assert "d@example.net" not in notices_to()
    AuthorNotice.objects.update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"{API}{number}/", {"title": "Paper, revised"}, content_type="application/json")
        assert response.json()["authors_not_mailed"] == ["d@example.net"]  # authors unchanged: not tried
        response = client.patch(
            f"{API}{number}/",
            {"authors": [{"name": "Me", "email": author.email}, *coauthors("a", "b", "c", "d")]},
            content_type="application/json",
        )
    assert response.json()["authors_not_mailed"] == []
    assert notices_to() == ["a@example.net", "b@example.net", "c@example.net", "d@example.net"]


def test_the_service_refuses_an_unverified_account(edition: Edition) -> None:
    unverified = UserFactory(email="new@example.org", verified=False)
    with pytest.raises(ValidationError, match="Confirm your e-mail address first"):
        submission_register(
            edition=edition,
            title="T",
            abstract="A.",
            topic="ml",
            authors=[AuthorInput("Me", unverified.email), AuthorInput("A", "a@example.net")],
            by=unverified,
        )
    assert not Submission.objects.exists()


def test_an_unverified_account_mails_nobody_through_the_page_or_the_api(
    client: Any, edition: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    unverified = UserFactory(email="new@example.org", verified=False)
    client.force_login(unverified)
    with django_capture_on_commit_callbacks(execute=True):
        page = register_page(client, edition, unverified, "a")
        api = register_api(client, unverified, "a")
    assert page.status_code in (200, 400)  # sent to confirm the address, or refused with the reason
    assert api.status_code in (400, 401, 403)
    if api.status_code == 400:
        assert "Confirm your e-mail address first" in str(api.json())
    assert not Submission.objects.exists()
    assert not Mail.objects.exists()


# --- "I am not an author" ----------------------------------------------------------------------


def link_in(mail: Mail) -> str:
    match = re.search(r"http://testserver(/mlsys2027/submissions/not-an-author/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


@pytest.fixture
def notified(
    client: Any, edition: Edition, author: Any, chair: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> tuple[Submission, str]:
    """#1 by the persona author, with bo@example.net listed (and mailed) as a contact author."""
    settings.SITE_URL = "http://testserver"
    client.force_login(author)
    rows = [{"name": "Me", "email": author.email}, {"name": "Bo", "email": "bo@example.net", "is_contact": True}]
    body = {"title": "Paper", "abstract": "A.", "topic": "ml", "authors": rows}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(API, body, content_type="application/json").status_code == 201
    client.logout()
    return Submission.objects.get(), link_in(Mail.objects.get(to_email="bo@example.net"))


def test_the_link_asks_first_and_records_on_post_without_an_account(
    client: Any, notified: tuple[Submission, str], author: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, link = notified
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "bo@example.net" in html
    assert "I am not an author of this paper" in html
    assert not AuthorDispute.objects.exists()  # a GET (a mail scanner's) records nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 200
    assert "Thank you: reported on" in done.content.decode()
    assert AuthorDispute.objects.get().email == "bo@example.net"
    told = Mail.objects.filter(subject__contains="says they are not an author of #1")
    assert sorted(told.values_list("to_email", flat=True)) == [author.email, chair.email]
    assert "bo@example.net was listed as an author" in told.first().body  # type: ignore[union-attr]


def test_reporting_twice_is_reporting_once(
    client: Any, notified: tuple[Submission, str], django_capture_on_commit_callbacks: Any
) -> None:
    _, link = notified
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
        again = client.post(link)
    assert again.status_code == 200
    assert AuthorDispute.objects.count() == 1
    assert Mail.objects.filter(subject__contains="not an author").count() == 2


def test_no_more_mail_about_the_paper_goes_to_a_disputed_address(
    client: Any, notified: tuple[Submission, str], author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submission, link = notified
    client.post(link)
    before = Mail.objects.filter(to_email="bo@example.net").count()
    with django_capture_on_commit_callbacks(execute=True):
        paper_upload(submission=submission, content=make_pdf(), filename="paper.pdf", by=author)
    assert Mail.objects.filter(to_email="bo@example.net").count() == before  # a contact, but no receipt
    assert Mail.objects.filter(to_email=author.email, subject__contains="Received").count() == 1  # the uploader's


def test_chairs_see_the_disputed_author_line_on_the_page_and_in_the_api(
    client: Any, notified: tuple[Submission, str], chair: Any
) -> None:
    submission, link = notified
    client.post(link)
    client.force_login(chair)
    html = client.get(submission.get_absolute_url()).content.decode()
    assert 'id="author-disputes"' in html
    assert re.search(r"bo@example.net&gt;.*?<span class=\"badge closed\">disputed</span>", html)
    authors = client.get(f"{API}1/").json()["authors"]
    assert [(a["email"], a["disputed"]) for a in authors] == [("author@example.org", False), ("bo@example.net", True)]


@pytest.mark.parametrize("mangle", ["tamper", "other-salt", "other-edition", "garbage"])
def test_a_forged_or_misplaced_link_is_a_404(
    client: Any, notified: tuple[Submission, str], mangle: str, edition: Edition
) -> None:
    submission, link = notified
    token = link.rstrip("/").rsplit("/", 1)[1]
    other = Edition.objects.create(slug="other2027", name="Other 2027")
    urls = {
        "tamper": link.replace(token, not_an_author_token(submission, "bo@example.net")[:-2] + "xx"),
        "other-salt": link.replace(token, signing.dumps({"s": submission.pk, "e": "bo@example.net"}, salt="x")),
        "other-edition": link.replace("/mlsys2027/", f"/{other.slug}/"),
        "garbage": link.replace(token, "not-a-token"),
    }
    assert client.get(urls[mangle]).status_code == 404
    assert client.post(urls[mangle]).status_code == 404
    assert not AuthorDispute.objects.exists()


def test_a_disputed_contact_gets_no_deadline_reminder(
    client: Any, notified: tuple[Submission, str], edition: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    _, link = notified
    client.post(link)
    Deadline.objects.filter(edition=edition, phase=Phase.PAPER_SUBMISSION).update(
        closes_at=timezone.now() + timedelta(hours=24)
    )
    with django_capture_on_commit_callbacks(execute=True):
        phase_mail.send_deadline_reminders()
    reminded = Mail.objects.filter(subject__contains="Reminder").values_list("to_email", flat=True)
    assert list(reminded) == []  # bo was the only contact; the submitter is not one
    AuthorDispute.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        phase_mail.send_deadline_reminders()
    assert list(Mail.objects.filter(subject__contains="Reminder").values_list("to_email", flat=True)) == [
        "bo@example.net"
    ]


def test_asking_for_no_mail_anywhere_holds_until_the_address_has_an_account(
    client: Any, notified: tuple[Submission, str], outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, link = notified
    assert 'name="everywhere"' in client.get(link).content.decode()
    client.post(link, {"everywhere": "on"})
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = register_api(client, outsider, "bo", "cy", title="Another paper")
    assert response.status_code == 201
    assert not Mail.objects.filter(to_email="bo@example.net", subject__contains="#2").exists()
    assert Mail.objects.filter(to_email="cy@example.net").count() == 1
    assert not AuthorNotice.objects.filter(email="bo@example.net", requested_by=outsider).exists()  # costs nothing

    UserFactory(email="bo@example.net")  # signs up and confirms the address: mail is wanted again
    with django_capture_on_commit_callbacks(execute=True):
        register_api(client, outsider, "bo", title="A third paper")
    assert Mail.objects.filter(to_email="bo@example.net", subject__contains="#3").count() == 1


def test_without_the_box_only_this_paper_is_silenced(
    client: Any, notified: tuple[Submission, str], outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, link = notified
    client.post(link)
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        register_api(client, outsider, "bo", title="Another paper")
    assert Mail.objects.filter(to_email="bo@example.net", subject__contains="#2").count() == 1


def test_the_link_works_for_an_edition_not_listed_publicly(
    client: Any, notified: tuple[Submission, str], edition: Edition
) -> None:
    _, link = notified
    Edition.objects.filter(pk=edition.pk).update(is_public=False)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert AuthorDispute.objects.count() == 1
