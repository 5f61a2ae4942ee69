"""An edition's own mail templates: found per key, used instead of the files for that edition
only, refused with the error when they do not render or reach outside their context, reset to
the default, edited by the chairs only, and logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from actionlog.models import Action
from mlsys_conf.policy import PolicyDenied
from outbox.models import MailTemplate
from outbox.rendering import default_text, template_keys
from outbox.services import mail_queue_template, mail_template_reset, mail_template_save
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

KEY = "bidding/mail/few_bids"


def few_bids(edition: Any) -> dict[str, Any]:
    return {"edition": edition, "member": {"user": {"display_name": "Ada"}, "total": 1, "wanted": 9}, "moment": "soon"}


def test_the_keys_are_found_in_the_apps_template_folders() -> None:
    keys = template_keys()
    assert {KEY, "committees/mail/invitation", "submissions/mail/receipt"} <= set(keys)
    assert all("/mail/" in key for key in keys)
    subject, body = default_text(KEY)
    assert "Please bid on more papers" in subject
    assert "{{ member.total }}" in body


def test_the_editions_own_wording_is_used_for_that_edition_only(edition: Any, chair: Any) -> None:
    mail_template_save(
        edition=edition,
        key=KEY,
        subject="[{{ edition.name }}]\n  Bid, {{ member.user.display_name }}!",
        body="{% load tz %}You bid on {{ member.total }}; we hope for {{ member.wanted }}. <b>Thanks</b>",
        by=chair,
    )
    mine = mail_queue_template(KEY, few_bids(edition), to_email="a@example.org", about=None, edition=edition)
    assert (mine.subject, mine.body) == (
        "[MLSys 2027] Bid, Ada!",
        "You bid on 1; we hope for 9. <b>Thanks</b>",  # plain text: nothing escaped
    )
    other = EditionFactory(slug="other2027", name="Other 2027")
    theirs = mail_queue_template(KEY, few_bids(other), to_email="b@example.org", about=None, edition=other)
    assert theirs.subject == "[Other 2027] Please bid on more papers before bidding closes"

    assert mail_template_reset(edition=edition, key=KEY, by=chair) is True
    again = mail_queue_template(KEY, few_bids(edition), to_email="c@example.org", about=None, edition=edition)
    assert again.subject == "[MLSys 2027] Please bid on more papers before bidding closes"
    assert mail_template_reset(edition=edition, key=KEY, by=chair) is False


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{% if %}", "cannot be rendered"),
        ("{{ member.total|no_such_filter }}", "cannot be rendered"),
        ("{% load humanize %}{{ 3|apnumber }}", "Only {% load tz %}"),
        ('{% include "bidding/mail/few_bids_body.txt" %}', "cannot be rendered"),
        ('{% extends "base.html" %}', "cannot be rendered"),
        ("{% debug %}", "cannot be rendered"),
        ("{{ member.user.password }}", "passwords, secrets or tokens"),
        ("{% if invitation.token %}x{% endif %}", "passwords, secrets or tokens"),
    ],
)
def test_a_template_that_does_not_render_safely_is_refused(edition: Any, chair: Any, body: str, error: str) -> None:
    with pytest.raises(ValidationError) as refused:
        mail_template_save(edition=edition, key=KEY, subject="Hello", body=body, by=chair)
    assert error in refused.value.message_dict["body"][0]
    assert not MailTemplate.objects.exists()


def test_an_unknown_key_is_refused(edition: Any, chair: Any) -> None:
    with pytest.raises(ValidationError, match="no mail called"):
        mail_template_save(edition=edition, key="accounts/../../etc/passwd", subject="x", body="y", by=chair)


def test_saving_and_resetting_are_logged(edition: Any, chair: Any) -> None:
    default_subject, _body = default_text(KEY)
    mail_template_save(edition=edition, key=KEY, subject="Bid!", body="Please.", by=chair)
    mail_template_save(edition=edition, key=KEY, subject="Bid now!", body="Please.", by=chair)
    mail_template_reset(edition=edition, key=KEY, by=chair)
    first, second = Action.objects.filter(action="mail.template_saved").order_by("pk")
    assert first.changes["subject"] == [default_subject, "Bid!"]
    assert second.changes == {"subject": ["Bid!", "Bid now!"]}
    assert Action.objects.get(action="mail.template_reset").note == KEY


@pytest.mark.parametrize("who", ["pc_systems", "author", "outsider"])
def test_only_chairs_edit_templates(request: pytest.FixtureRequest, edition: Any, chair: Any, who: str) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PolicyDenied):
        mail_template_save(edition=edition, key=KEY, subject="x", body="y", by=user)
    mail_template_save(edition=edition, key=KEY, subject="Bid!", body="Please.", by=chair)
    with pytest.raises(PolicyDenied):
        mail_template_reset(edition=edition, key=KEY, by=user)
    assert MailTemplate.objects.get().subject == "Bid!"


def test_a_saved_template_that_fails_later_falls_back_to_the_default(edition: Any, chair: Any) -> None:
    mail_template_save(
        edition=edition, key=KEY, subject="{{ member.total|divisibleby:member.wanted }}", body="x", by=chair
    )
    broken = few_bids(edition) | {"member": {"total": 1, "wanted": 0, "user": {}}}  # division by zero
    mail = mail_queue_template(KEY, broken, to_email="a@example.org", about=None, edition=edition)
    assert mail.subject == "[MLSys 2027] Please bid on more papers before bidding closes"


@pytest.mark.parametrize("key", template_keys())
def test_every_default_can_be_saved_as_the_editions_own(edition: Any, chair: Any, key: str) -> None:
    """A chair starts from the default: each one renders in the sandbox with the sample values."""
    subject, body = default_text(key)
    mail_template_save(edition=edition, key=key, subject=subject, body=body, by=chair)
    assert MailTemplate.objects.get(edition=edition, key=key).body == body


@pytest.mark.parametrize("key", template_keys())
def test_the_preview_values_fill_every_placeholder_of_every_default(edition: Any, key: str) -> None:
    """What a chair previews shows each placeholder with a value, none left blank."""
    from django.template import Context, Engine

    from outbox.rendering import sample_context

    strict = Engine(libraries={"tz": "django.templatetags.tz"}, autoescape=False, string_if_invalid="MISSING[%s]")
    for text in default_text(key):
        rendered = strict.from_string(text).render(Context(sample_context(edition), autoescape=False))
        assert "MISSING[" not in rendered, rendered
