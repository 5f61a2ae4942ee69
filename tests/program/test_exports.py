"""The exports of the published program, parsed with real parsers: iCalendar (icalendar),
frab XML (lxml, against our XSD), JSON (jsonschema), CSV (csv), and BibTeX."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar
from jsonschema import Draft202012Validator
from lxml import etree

from conferences.models import Edition
from program import exports
from program.models import ProgramSession
from tests.program.factories import SampleProgram, publish, sample_program

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2] / "program" / "schemas"
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def program(edition: Edition) -> SampleProgram:
    return sample_program(edition)


def get(client: Any, name: str, edition: Edition, *args: Any) -> Any:
    response = client.get(reverse(f"program:{name}", args=[edition.slug, *args]))
    assert response.status_code == 200
    return response


def events_of(content: bytes) -> list[Any]:
    return list(Calendar.from_ical(content).walk("VEVENT"))


# --- iCalendar ------------------------------------------------------------------------------


def test_the_whole_program_as_icalendar(client: Any, program: SampleProgram) -> None:
    response = get(client, "public_ics", program.edition)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]) == program.edition.name
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    events = calendar.walk("VEVENT")
    assert len(events) == 3 + 4  # three sessions, two talks and two posters
    for event in events:
        assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
        assert event["DTEND"].params["TZID"] == "America/Los_Angeles"
        assert event.decoded("DTSTAMP") == program.version.published_at.replace(microsecond=0)
        assert str(event["URL"]).startswith("http")


def test_local_times_are_right_across_the_dst_change(client: Any, program: SampleProgram) -> None:
    events = {str(e["UID"]): e for e in events_of(get(client, "public_ics", program.edition).content)}
    slug = f"{program.edition.slug}.{urlsplit(settings.SITE_URL).hostname}"
    talks, posters = program.sessions["talks"].pk, program.sessions["posters"].pk
    before = events[f"session-{talks}@{slug}"].decoded("DTSTART")
    after = events[f"session-{posters}@{slug}"].decoded("DTSTART")
    assert before.replace(tzinfo=None) == datetime(2027, 3, 13, 9, 0)
    assert before.utcoffset().total_seconds() == -8 * 3600
    assert after.replace(tzinfo=None) == datetime(2027, 3, 15, 14, 0)
    assert after.utcoffset().total_seconds() == -7 * 3600
    second_talk = events[f"talk-{talks}-2@{slug}"]
    assert second_talk.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 13, 9, 20)
    assert second_talk.decoded("DTEND").replace(tzinfo=None) == datetime(2027, 3, 13, 9, 45)
    assert str(second_talk["LOCATION"]) == "Hall A"
    assert "Carlos Ñúñez" in str(second_talk["DESCRIPTION"])


def test_uids_stay_the_same_between_versions(client: Any, program: SampleProgram) -> None:
    first = {str(e["UID"]) for e in events_of(get(client, "public_ics", program.edition).content)}
    ProgramSession.objects.filter(pk=program.sessions["talks"].pk).update(title="Systems One")
    publish(program.edition)
    events = events_of(get(client, "public_ics", program.edition).content)
    assert {str(e["UID"]) for e in events} == first
    assert "Systems One" in {str(e["SUMMARY"]) for e in events}


def test_one_session_as_icalendar(client: Any, program: SampleProgram) -> None:
    talks = program.sessions["talks"]
    calendar = Calendar.from_ical(get(client, "public_session_ics", program.edition, talks.pk).content)
    events = calendar.walk("VEVENT")
    assert len(events) == 3  # the session and its two talks
    assert calendar.walk("VTIMEZONE")
    assert "Systems I" in str(calendar["X-WR-CALNAME"])


# --- frab XML ---------------------------------------------------------------------------------


def schedule_of(client: Any, program: SampleProgram) -> Any:
    response = get(client, "public_xml", program.edition)
    assert response["Content-Type"] == "application/xml"
    document = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "frab_schedule.xsd")))
    schema.assertValid(document)
    return document


def test_the_frab_schedule_is_valid_and_complete(client: Any, program: SampleProgram) -> None:
    document = schedule_of(client, program)
    conference = document.find("conference")
    assert conference.findtext("acronym") == program.edition.slug
    assert conference.findtext("start") == "2027-03-13"
    assert conference.findtext("end") == "2027-03-15"
    assert conference.findtext("days") == "2"
    assert conference.findtext("time_zone_name") == "America/Los_Angeles"
    days = document.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [("1", "2027-03-13"), ("2", "2027-03-15")]
    assert days[0].get("start") == "2027-03-13T09:00:00-08:00"
    events = document.findall("day/room/event")
    assert len(events) == 2 + 1 + 1  # two talks, the keynote, the poster session
    by_title = {e.findtext("title"): e for e in events}
    talk = by_title["Compilers & {Tiny} Accelerators"]
    assert (talk.findtext("start"), talk.findtext("duration"), talk.findtext("room")) == ("09:20", "00:25", "Hall A")
    assert talk.findtext("date") == "2027-03-13T09:20:00-08:00"
    assert [p.text for p in talk.findall("persons/person")] == ["Carlos Ñúñez", "Bea Adams"]
    assert by_title["Keynote: The Future"].findtext("duration") == "01:00"
    assert by_title["Keynote: The Future"].findtext("room") == "Plenary"
    posters = by_title["Posters"]
    assert (posters.findtext("start"), posters.findtext("duration")) == ("14:00", "01:30")
    first = by_title["Fast Sparse Attention Kernels"]
    assert first.find("attachments/attachment").get("href").endswith("/program/papers/1.pdf")


def test_frab_guids_stay_the_same_between_versions(client: Any, program: SampleProgram) -> None:
    first = {e.get("guid"): e.get("id") for e in schedule_of(client, program).findall("day/room/event")}
    publish(program.edition)
    assert {e.get("guid"): e.get("id") for e in schedule_of(client, program).findall("day/room/event")} == first


def test_the_xsd_refuses_a_broken_schedule() -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "frab_schedule.xsd")))
    assert not schema.validate(etree.fromstring(b"<schedule><version>1</version></schedule>"))


# --- JSON -------------------------------------------------------------------------------------


def test_the_json_export_is_valid_against_its_schema(client: Any, program: SampleProgram) -> None:
    response = get(client, "public_json", program.edition)
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    schema = json.loads((SCHEMAS / "program.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(document))
    assert errors == []
    assert document["version"]["number"] == 1
    assert [p["number"] for p in document["papers"]] == [1, 2, 3]
    assert document["papers"][0]["badges"] == ["available", "functional", "reusable"]
    assert document["papers"][1]["badges"] == []  # not released
    talks = next(s for s in document["sessions"] if s["title"] == "Systems I")
    assert talks["talks"][1] == {
        "paper": 2,
        "starts_at": "2027-03-13T09:20:00-08:00",
        "ends_at": "2027-03-13T09:45:00-08:00",
    }


def test_the_json_schema_refuses_a_missing_field() -> None:
    schema = json.loads((SCHEMAS / "program.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors({"format": 1}))


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_export(client: Any, program: SampleProgram) -> None:
    response = get(client, "public_csv", program.edition)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4  # one per placed paper and session
    first = rows[0]
    assert first["number"] == "1"
    assert first["session"] == "Systems I"
    assert first["room"] == "Hall A"
    assert first["start"] == "2027-03-13T09:00:00-08:00"
    assert first["end"] == "2027-03-13T09:20:00-08:00"
    assert first["authors"] == "Zoë Müller; Ana Björk"
    assert first["affiliations"] == "ETH Zürich; KTH"
    assert first["badges"] == "Artifacts Available; Artifacts Evaluated: Functional; Artifacts Evaluated: Reusable"
    assert first["url"].endswith(f"/{program.edition.slug}/program/papers/1/")
    poster_row = next(r for r in rows if r["session"] == "Posters" and r["number"] == "3")
    assert poster_row["start"] == "2027-03-15T14:00:00-07:00"


def test_the_csv_is_safe_from_formula_injection(client: Any, program: SampleProgram) -> None:
    rows = list(csv.reader(io.StringIO(get(client, "public_csv", program.edition).content.decode())))
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil") Posters at Scale' in cells
    assert "'@Home Labs" in cells
    assert "compilers; =SUM(A1:A2)" in cells  # not at the start of the cell: harmless


# --- BibTeX ---------------------------------------------------------------------------------------


def test_bibtex_escapes_braces_ampersands_and_accents(client: Any, program: SampleProgram) -> None:
    response = get(client, "public_paper_bib", program.edition, 2)
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert f'filename="{program.edition.slug}-2.bib"' in response["Content-Disposition"]
    entry = response.content.decode()
    assert entry.startswith(f"@inproceedings{{{program.edition.slug}-2,")
    assert r"title = {{Compilers \& \{Tiny\} Accelerators}}" in entry
    assert r"author = {Carlos {\~N}{\'u}{\~n}ez and Bea Adams}" in entry
    assert "booktitle = {Proceedings of MLSys 2027}" in entry
    assert "year = {2027}" in entry  # the year it is held (the first day, the edition having no dates)
    assert entry.count("{") == entry.count("}")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Zoë", r"Zo{\"e}"),
        ("Zürich", r"Z{\"u}rich"),
        ("Straße", r"Stra{\ss}e"),
        ("Łódź", r"{\L}{\'o}d{\'z}"),
        ("100% of $5 & #1_x", r"100\% of \$5 \& \#1\_x"),
        ("a\\b", r"a\textbackslash{}b"),
        ("Français", r"Fran{\c{c}}ais"),
        ("深度学习", "深度学习"),
    ],
)
def test_bibtex_escape(text: str, escaped: str) -> None:
    assert exports.bibtex_escape(text) == escaped


# --- Nothing private -------------------------------------------------------------------------------


def test_no_email_address_in_any_public_output(client: Any, program: SampleProgram) -> None:
    edition = program.edition
    outputs = [
        ("public_schedule",),
        ("public_authors",),
        ("public_changes",),
        ("public_paper", 1),
        ("public_paper", 2),
        ("public_paper", 3),
        ("public_paper_bib", 1),
        ("public_session", program.sessions["talks"].pk),
        ("public_session_ics", program.sessions["talks"].pk),
        ("public_ics",),
        ("public_json",),
        ("public_csv",),
        ("public_xml",),
    ]
    for name, *args in outputs:
        content = get(client, name, edition, *args).content.decode()
        assert "@private.example.org" not in content, name
        assert "@example.org" not in content, name
    api = client.get(f"/api/editions/{edition.slug}/program/papers/").content.decode()
    assert "@private.example.org" not in api
