"""Issue 12: Hypothesis over the chairs' forms and services: the edition's settings, its
deadlines (times typed in any zone), committee invitations (one, or a pasted list), and the
mail templates the sandboxed engine renders. Saved consistently or refused with a message;
never an uncaught exception, never a half-written change, never a secret in a rendered mail."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from actionlog.models import Action
from committees import services as committee_services
from committees.bulk_invitations import invitations_send_pasted
from committees.forms import BulkInvitationForm, InvitationForm
from committees.models import Invitation
from conferences import services as conference_services
from conferences.forms import DeadlinesForm, EditionSettingsForm
from conferences.models import Deadline, Edition, Phase
from outbox import services as outbox_services
from outbox.models import MailTemplate
from outbox.rendering import check_placeholders, render_checked, sample_context, template_keys
from submissions.models import Submission
from tests.fuzz.strategies import attempt, mostly, odd_emails, odd_text, rolled_back, short_text

pytestmark = pytest.mark.django_db

ZONES = st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns", "Europe/Berlin"])
typed_dates = st.one_of(st.dates(min_value=date(1, 1, 1)).map(date.isoformat), odd_text(12))
typed_times = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")
    ),
    st.sampled_from(
        [
            "",
            "9999-12-31T23:59:59",
            "0001-01-01T00:00:00",
            "2027-03-28T02:30:00",
            "2027-01-31T23:59:59+14:00",
            "9999-12-31T23:59:59-12:00",
            "2027-06-01T23:59:59",
            "2027-07-01T23:59:59",
        ]
    ),
    odd_text(45),
)


@settings(max_examples=60)
@given(
    name=mostly(short_text(40), odd_text(210)),
    tagline=odd_text(300),
    venue=odd_text(120),
    starts_on=typed_dates,
    ends_on=typed_dates,
    time_zone=mostly(st.sampled_from(["Europe/Berlin", "UTC", "Pacific/Kiritimati"]), odd_text(30)),
    contact_email=odd_emails(),
    numbers=st.lists(st.one_of(st.integers(-5, 10**12).map(str), odd_text(6)), min_size=4, max_size=4),
)
def test_the_edition_settings_form_and_service_save_or_refuse(
    edition: Edition,
    chair: Any,
    name: str,
    tagline: str,
    venue: str,
    starts_on: str,
    ends_on: str,
    time_zone: str,
    contact_email: str,
    numbers: list[str],
) -> None:
    form = EditionSettingsForm(instance=Edition.objects.get(pk=edition.pk))
    data = {name_: form.initial.get(name_, "") for name_ in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data |= {
        "name": name,
        "tagline": tagline,
        "venue": venue,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "time_zone": time_zone,
        "contact_email": contact_email,
    }
    numeric = [f for f, field in form.fields.items() if field.__class__.__name__ in {"IntegerField", "DecimalField"}]
    for field_name, value in zip(numeric, numbers, strict=False):
        data[field_name] = value
    with rolled_back():
        before = (Edition.objects.filter(pk=edition.pk).values().get(), Action.objects.count())
        form = EditionSettingsForm(data, instance=Edition.objects.get(pk=edition.pk))
        if not form.is_valid():
            assert form.errors
            assert (Edition.objects.filter(pk=edition.pk).values().get(), Action.objects.count()) == before
            return
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        _, refused = attempt(
            lambda: conference_services.edition_update(edition=Edition.objects.get(pk=edition.pk), by=chair, **changes)
        )
        if refused is not None:
            assert refused.messages
            assert (Edition.objects.filter(pk=edition.pk).values().get(), Action.objects.count()) == before
            return
        saved = Edition.objects.get(pk=edition.pk)
        for field, value in changes.items():
            assert getattr(saved, field) == value


@example(zone="UTC", cells=[("", "edition"), ("", "edition"), ("9999-12-31T23:59:59", "aoe")], phase=Phase.NOTIFICATION)
@settings(max_examples=60)
@given(
    zone=ZONES,
    cells=st.lists(st.tuples(typed_times, st.sampled_from(["edition", "aoe", "", "mars"])), min_size=3, max_size=3),
    phase=st.sampled_from(list(Phase)),
)
def test_the_deadlines_form_and_service_save_or_refuse(
    edition: Edition, chair: Any, zone: str, cells: list[tuple[str, str]], phase: Phase
) -> None:
    deadlines = list(edition.deadlines.all())
    with rolled_back(), timezone.override(zoneinfo.ZoneInfo(zone)):
        data: dict[str, str] = {}
        for current in deadlines:
            for kind, moment in (
                ("opens", current.opens_at),
                ("soft", current.soft_closes_at),
                ("closes", current.closes_at),
            ):
                if moment:
                    data[f"{current.phase}_{kind}"] = timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")
        for kind, (typed, in_zone) in zip(("opens", "soft", "closes"), cells, strict=True):
            data[f"{phase.value}_{kind}"] = typed
            data[f"{phase.value}_{kind}_zone"] = in_zone
        before = (list(Deadline.objects.values().order_by("pk")), Action.objects.count())
        form = DeadlinesForm(data, deadlines=deadlines)
        if not form.is_valid():
            assert form.errors
            form.rows()  # the page shows the form again: its rows must build too
            return
        _, refused = attempt(
            lambda: conference_services.deadlines_set(edition=edition, windows=form.windows(), by=chair)
        )
        if refused is not None:
            assert refused.messages
            assert (list(Deadline.objects.values().order_by("pk")), Action.objects.count()) == before
            return
        window = form.windows()[phase]
        stored = Deadline.objects.filter(edition=edition, phase=phase).first()
        if window is None:
            assert stored is None
        else:
            assert stored is not None
            assert (stored.opens_at, stored.soft_closes_at, stored.closes_at) == (
                window.opens_at,
                window.soft_closes_at,
                window.closes_at,
            )


@settings(max_examples=60)
@given(
    email=odd_emails(),
    name=mostly(short_text(40), odd_text(210)),
    kind=mostly(st.sampled_from(["pc_member", "area_chair", "ae_member", "pc_chair"]), odd_text(12)),
    area=st.sampled_from(["", "systems", "ml", "both", "\x00"]),
    max_load=st.one_of(st.just(""), st.integers(-3, 10**6).map(str), odd_text(6)),
)
def test_an_invitation_is_sent_or_refused(
    edition: Edition, chair: Any, email: str, name: str, kind: str, area: str, max_load: str
) -> None:
    data = {
        "invite-email": email,
        "invite-name": name,
        "invite-kind": kind,
        "invite-area": area,
        "invite-max_load": max_load,
    }
    with rolled_back():
        before = (Invitation.objects.count(), Action.objects.count())
        form = InvitationForm(data, prefix="invite")
        if not form.is_valid():
            assert form.errors
            return
        invitation, refused = attempt(
            lambda: committee_services.invitation_send(edition=edition, by=chair, **form.cleaned_data)
        )
        if refused is not None:
            assert refused.messages
            assert (Invitation.objects.count(), Action.objects.count()) == before
            return
        assert invitation is not None
        invitation.refresh_from_db()
        assert invitation.email == form.cleaned_data["email"].strip().lower()
        assert invitation.token


pasted_lines = st.lists(
    st.one_of(
        st.builds(
            lambda name, email, area: f"{name}, {email}, {area}",
            short_text(20),
            st.emails(),
            st.sampled_from(["Systems", "ML", "sys", "machine learning", "physics", ""]),
        ),
        odd_text(80),
    ),
    max_size=5,
).map("\n".join)


@settings(max_examples=50)
@given(text=pasted_lines, kind=st.sampled_from(["pc_member", "area_chair", "ae_member"]))
def test_a_pasted_list_invites_everyone_or_no_one(edition: Edition, chair: Any, text: str, kind: str) -> None:
    with rolled_back():
        before = (Invitation.objects.count(), Action.objects.count())
        form = BulkInvitationForm({"bulk-people": text, "bulk-kind": kind}, prefix="bulk")
        if not form.is_valid():
            assert form.errors
            return
        invitations, refused = attempt(
            lambda: invitations_send_pasted(edition=edition, text=form.cleaned_data["people"], kind=kind, by=chair)
        )
        if refused is not None:
            assert str(refused)
            assert (Invitation.objects.count(), Action.objects.count()) == before
            return
        assert invitations is not None
        assert Invitation.objects.count() == before[0] + len(invitations)


# --- Mail templates: the sandboxed engine -------------------------------------------------------

TEMPLATE_PIECES = st.sampled_from(
    [
        "{{ edition.name }}",
        "{{ submission.title|upper }}",
        "{% for p in papers %}{{ p.title }}{% endfor %}",
        "{% load tz %}{{ sent_on|localtime }}",
        "{% load static %}",
        "{% load i18n %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% block x %}{% endblock %}",
        "{{ edition.__class__ }}",
        "{{ edition._meta }}",
        "{{ edition.delete }}",
        "{{ edition.save }}",
        "{{ reviewer.password }}",
        "{{ settings.SECRET_KEY }}",
        "{{ edition.submissions.all.0.created_by.email }}",
        "{% if %}",
        "{% if a == %}x{% endif %}",
        "{% for %}",
        "{% widthratio 1 0 100 %}",
        "{% widthratio a b %}",
        "{% cycle %}",
        "{% now %}",
        "{% now 'Y' as %}",
        "{% with %}{% endwith %}",
        "{% templatetag nope %}",
        "{% regroup papers by number as %}",
        "{{ count|add:'x' }}",
        "{{ count|divisibleby:0 }}",
        "{{ count|floatformat:'abc' }}",
        "{{ 'x'|truncatechars:'-5' }}",
        "{{ papers|slice:'::0' }}",
        "{{ count|stringformat:'%q' }}",
        "{{ sent_on|date:'%' }}",
        "{{ edition.name|ljust:'99999999999' }}",
        "{{ papers|dictsort:'__class__' }}",
        "{{",
        "}}",
        "{%",
        "{# x #}",
        "{% comment %}",
        "{% if " * 30 + "x %}",
        "{% verbatim %}{{ x }}",
        "{% url 'admin:index' %}",
        "{% csrf_token %}",
        "{{ submission.created_by.get_session_auth_hash }}",
        "{% for a in submission.authors.all %}{{ a.user.get_session_auth_hash }}{% endfor %}",
        "{{ submission.created_by.groups.all.0.user_set.values }}",
        "{{ submission.authors.values }}",
        "{{ submission.authors.model }}",
        "{% with u=submission.created_by %}{{ u.get_session_auth_fallback_hash }}{% endwith %}",
        "{{ submission.created_by.email }}",
        "{% lorem 99999 w %}",
    ]
)
template_text = st.lists(st.one_of(TEMPLATE_PIECES, odd_text(40)), max_size=5).map("".join)


def _secrets(user: Any) -> list[str]:
    return [django_settings.SECRET_KEY, user.password, user.get_session_auth_hash(), "md5$", "pbkdf2_", "argon2"]


@pytest.fixture
def created(submission: Submission, author: Any) -> Submission:
    """The persona paper, registered by its author: its context reaches a real account."""
    submission.created_by = author
    submission.save(update_fields=["created_by"])
    return submission


@example(subject="", body="{{ submission.created_by.get_session_auth_hash }}")  # derived from the password
@settings(max_examples=150)
@given(subject=template_text, body=template_text)
def test_a_mail_template_renders_or_is_refused_with_a_message(
    edition: Edition, created: Submission, author: Any, subject: str, body: str
) -> None:
    """As at sending time, the context holds real objects (a paper, its accounts): whatever
    the template, no secret and no password-derived value comes out."""
    context = sample_context(edition) | {"submission": created}
    rendered, refused = attempt(lambda: render_checked(subject, body, context))
    if refused is not None:
        assert all(messages for messages in refused.message_dict.values())
    else:
        assert rendered is not None
        assert "\n" not in rendered[0]
        for secret in _secrets(author):
            assert secret not in rendered[0] + rendered[1]
    _, refused = attempt(
        lambda: check_placeholders(subject, body, ["edition.name", "submission.title", "papers"], "the authors")
    )
    if refused is not None:
        assert all(messages for messages in refused.message_dict.values())


@example(subject="Hello\x00", body="")
@settings(max_examples=40)
@given(subject=template_text, body=template_text)
def test_saving_a_mail_template_saves_or_refuses(edition: Edition, chair: Any, subject: str, body: str) -> None:
    key = template_keys()[0]
    with rolled_back():
        before = (MailTemplate.objects.count(), Action.objects.count())
        template, refused = attempt(
            lambda: outbox_services.mail_template_save(edition=edition, key=key, subject=subject, body=body, by=chair)
        )
        if refused is not None:
            assert refused.messages
            assert (MailTemplate.objects.count(), Action.objects.count()) == before
            return
        assert template is not None
        template.refresh_from_db()
        assert (template.subject, template.body) == (subject, body)
