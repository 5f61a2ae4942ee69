"""Issue 12: Hypothesis over the author's forms and the submission services. Whatever is
typed, the form and the service either save it consistently or refuse it with a message:
never an uncaught exception, never a half-written paper or author list, never a log entry
for a refused change."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from actionlog.models import Action
from conferences.models import Edition, Phase
from mlsys_conf.limits import ABSTRACT_MAX, TITLE_MAX
from submissions import services
from submissions.forms import AuthorFormSet, ExtensionForm, SubmissionForm
from submissions.models import Author, Extension, Submission
from tests.fuzz.strategies import attempt, mostly, odd_emails, odd_text, rolled_back, short_text

pytestmark = pytest.mark.django_db

TOPICS = mostly(st.sampled_from(["systems", "ml", "both"]), odd_text(20))
ZONES = st.sampled_from(
    ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns", "Europe/Berlin", "Asia/Kathmandu"]
)


def _rows() -> tuple[int, int, int]:
    return Submission.objects.count(), Author.objects.count(), Action.objects.count()


def _has_no_nul(*texts: str) -> bool:
    return all("\x00" not in text for text in texts)


author_rows = st.lists(
    st.fixed_dictionaries(
        {
            "name": mostly(short_text(), odd_text(250)),
            "email": odd_emails(),
            "affiliation": mostly(short_text(), odd_text(350)),
            "is_contact": st.booleans(),
        }
    ),
    min_size=0,
    max_size=3,
)


def _post(title: str, abstract: str, topic: str, keywords: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "abstract": abstract,
        "topic": topic,
        "keywords": keywords,
        "authors-TOTAL_FORMS": str(len(rows)),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "1",
        "authors-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        data |= {
            f"authors-{i}-name": row["name"],
            f"authors-{i}-email": row["email"],
            f"authors-{i}-affiliation": row["affiliation"],
            f"authors-{i}-ORDER": str(len(rows) - i),
        }
        if row["is_contact"]:
            data[f"authors-{i}-is_contact"] = "on"
    return data


@settings(max_examples=60)
@given(
    title=mostly(short_text(80), odd_text(TITLE_MAX + 10)),
    abstract=mostly(short_text(300), odd_text(ABSTRACT_MAX + 10)),
    topic=TOPICS,
    keywords=odd_text(100),
    rows=author_rows,
)
def test_the_registration_form_and_service_save_or_refuse(
    edition: Edition, author: Any, title: str, abstract: str, topic: str, keywords: str, rows: list[dict[str, Any]]
) -> None:
    with rolled_back():
        before = _rows()
        form = SubmissionForm(_post(title, abstract, topic, keywords, rows))
        authors = AuthorFormSet(_post(title, abstract, topic, keywords, rows), prefix="authors")
        if not (form.is_valid() and authors.is_valid()):
            assert form.errors or authors.total_error_count()
            assert _rows() == before
            return
        data = form.to_input()
        submission, refused = attempt(
            lambda: services.submission_register(
                edition=edition,
                title=data.title,
                abstract=data.abstract,
                topic=data.topic,
                keywords=data.keywords,
                authors=authors.to_inputs(),
                by=author,
            )
        )
        if refused is not None:
            assert refused.messages
            assert _rows() == before
            return
        assert submission is not None
        submission.refresh_from_db()
        assert submission.title == data.title.strip()
        assert submission.abstract == data.abstract.strip()
        listed = list(submission.authors.order_by("position"))
        assert [a.email for a in listed] == [a.email.strip().lower() for a in authors.to_inputs()]
        assert sum(a.is_contact for a in listed) >= 1
        assert Action.objects.filter(action="submission.registered").count() == 1


@example(title="A\x00B", abstract="abc", topic="ml", keywords="", rows=[])  # NUL: a ValueError mid-save once
@settings(max_examples=60)
@given(
    title=mostly(short_text(80), odd_text(TITLE_MAX + 10)),
    abstract=mostly(short_text(300), odd_text(600)),
    topic=TOPICS,
    keywords=odd_text(600),
    rows=author_rows,
)
def test_the_registration_service_saves_or_refuses_any_input(
    edition: Edition, author: Any, title: str, abstract: str, topic: str, keywords: str, rows: list[dict[str, Any]]
) -> None:
    """Straight to the service, as another caller (a command, the API) might: no form in front."""
    inputs = [services.AuthorInput(r["name"], r["email"], r["affiliation"], r["is_contact"]) for r in rows]
    with rolled_back():
        before = _rows()
        submission, refused = attempt(
            lambda: services.submission_register(
                edition=edition,
                title=title,
                abstract=abstract,
                topic=topic,
                keywords=keywords,
                authors=inputs,
                by=author,
            )
        )
        if refused is not None:
            assert refused.messages
            assert _rows() == before
            return
        assert submission is not None
        assert _has_no_nul(title, abstract, keywords, *(r["name"] + r["email"] + r["affiliation"] for r in rows))
        submission.refresh_from_db()
        assert (submission.title, submission.topic) == (title.strip(), topic)
        assert submission.authors.count() == len(rows)


@settings(max_examples=50)
@given(
    title=mostly(short_text(80), odd_text(TITLE_MAX + 10)),
    abstract=mostly(short_text(300), odd_text(600)),
    topic=TOPICS,
    keywords=odd_text(100),
    rows=st.one_of(st.none(), author_rows),
)
def test_updating_a_paper_saves_all_or_nothing(
    submission: Submission,
    author: Any,
    title: str,
    abstract: str,
    topic: str,
    keywords: str,
    rows: list[dict[str, Any]] | None,
) -> None:
    inputs = None if rows is None else [services.AuthorInput(**row) for row in rows]
    with rolled_back():
        before = (
            Submission.objects.values("title", "abstract", "topic", "keywords").get(pk=submission.pk),
            list(Author.objects.filter(submission=submission).values_list("position", "email", "name")),
            Action.objects.count(),
        )
        _, refused = attempt(
            lambda: services.submission_update(
                submission=submission,
                data=services.SubmissionInput(title, abstract, topic, keywords),
                authors=inputs,
                by=author,
            )
        )
        if refused is not None:
            assert refused.messages
            after = (
                Submission.objects.values("title", "abstract", "topic", "keywords").get(pk=submission.pk),
                list(Author.objects.filter(submission=submission).values_list("position", "email", "name")),
                Action.objects.count(),
            )
            assert after == before
            return
        saved = Submission.objects.get(pk=submission.pk)
        assert (saved.title, saved.abstract, saved.keywords) == (title.strip(), abstract.strip(), keywords.strip())
        if inputs is not None:
            assert list(saved.authors.order_by("position").values_list("email", flat=True)) == [
                a.email.strip().lower() for a in inputs
            ]


# --- Extensions: times typed in any zone --------------------------------------------------------

typed_times = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda d: d.isoformat()),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S")
    ),
    st.sampled_from(
        [
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59",
            "2027-03-28T02:30:00",  # skipped by the clock in Berlin
            "2027-10-31T02:30:00",  # repeated in Berlin
            "2027-02-29T12:00:00",
            "2027-01-31T23:59:59+14:00",
            "2027-01-31T23:59:59-23:59",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00+14:00",
            "",
            "tomorrow",
            "2027-01-31 23:59:59.999999",
        ]
    ),
    odd_text(45),
)


@example(zone="Etc/GMT+12", phase="paper", until="9999-12-31T23:59:59", reason="")  # the year 10000 in UTC
@settings(max_examples=80)
@given(
    zone=ZONES, phase=odd_text(20) | st.sampled_from([p.value for p in Phase]), until=typed_times, reason=odd_text(320)
)
def test_the_extension_form_and_service_save_or_refuse(
    submission: Submission, chair: Any, zone: str, phase: str, until: str, reason: str
) -> None:
    with rolled_back(), timezone.override(zoneinfo.ZoneInfo(zone)):
        before = (Extension.objects.count(), Action.objects.count())
        form = ExtensionForm({"phase": phase, "until": until, "reason": reason})
        if not form.is_valid():
            assert form.errors
            return
        data = form.cleaned_data
        extension, refused = attempt(
            lambda: services.extension_grant(
                by=chair,
                edition=submission.edition,
                submission=submission,
                phase=Phase(data["phase"]),
                until=data["until"],
                reason=data["reason"],
            )
        )
        if refused is not None:
            assert refused.messages
            assert (Extension.objects.count(), Action.objects.count()) == before
            return
        if data["until"] is None:
            assert extension is None
            return
        assert extension is not None
        extension.refresh_from_db()
        assert extension.until == data["until"]
        assert extension.reason == data["reason"].strip()
