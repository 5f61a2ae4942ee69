"""Sign-up with django-allauth: e-mail is the login and must be verified from the mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from outbox.models import Mail, MailStatus
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.author@example.edu",
    "password1": "correct-horse-battery-2027",
    "password2": "correct-horse-battery-2027",
    "first_name": "Grace",
    "last_name": "Hopper",
    "affiliation": "Yale University",
}


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_sign_up_sends_verification_through_the_outbox(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    user = User.objects.get(email="new.author@example.edu")
    assert (user.first_name, user.last_name, user.affiliation) == ("Grace", "Hopper", "Yale University")
    stored = Mail.objects.get(to_email="new.author@example.edu")
    assert stored.status == MailStatus.SENT
    assert "confirm-email" in stored.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.author@example.edu"]


def test_cannot_sign_in_before_verifying(client: Any) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verifying_from_the_mail_signs_in(client: Any) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(Mail.objects.get(to_email=SIGNUP["email"]).body)
    assert client.get(link).status_code == 200  # a page with a button: GET never confirms
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_email_is_unique_and_case_insensitive(client: Any) -> None:
    UserFactory(email="taken@example.org")
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "Taken@Example.org"})
    # No account enumeration: the page looks the same, the owner gets a mail instead.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert Mail.objects.get(to_email__iexact="taken@example.org").subject.startswith("[MLSys]")


def test_password_reset_mail_goes_through_the_outbox(client: Any) -> None:
    UserFactory(email="forgetful@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    stored = Mail.objects.get(to_email="forgetful@example.org")
    assert "password" in stored.subject.lower()
    assert re.search(r"/accounts/password/reset/key/", stored.body)


def test_adding_an_address_sends_a_verification_mail(client: Any) -> None:
    user = UserFactory(email="primary@example.org")
    client.login(email=user.email, password=PASSWORD)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "second@cs.example.edu"})
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="second@cs.example.edu")
    assert address.user == user
    assert not address.verified
    assert Mail.objects.filter(to_email="second@cs.example.edu", body__contains="confirm-email").exists()


def test_profile_saves_conflict_and_affinity_fields(client: Any) -> None:
    user = UserFactory(email="me@example.org")
    client.login(email=user.email, password=PASSWORD)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "affiliation": "Analytical Engines Ltd",
            "country": "GB",
            "institutional_domains": "engines.example.org\ncs.example.edu",
            "expertise": "both",
            "keywords": "compilers, GPU kernels",
            "orcid": "0000-0002-1825-0097",
            "dblp_url": "dblp.org/pid/00/0000",
            "publications": "Notes on the Engine\nWe describe it.\n\nSecond Paper\nMore.",
        },
    )
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert user.domain_list == ["engines.example.org", "cs.example.edu"]
    assert user.keyword_list == ["compilers", "GPU kernels"]
    assert len(user.publication_list) == 2
    assert user.dblp_url == "https://dblp.org/pid/00/0000"


def test_profile_rejects_bad_orcid_and_domains(client: Any) -> None:
    user = UserFactory(email="me@example.org")
    client.login(email=user.email, password=PASSWORD)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "A", "last_name": "B", "orcid": "1234", "institutional_domains": "not a domain"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ORCID iD looks like" in html
    assert "Not a domain name" in html
