"""The program end to end in Chromium: a chair adds a room and a talks session in the builder,
places two accepted papers into it, sees the talk times, publishes; a visitor with no account, on
a phone-sized window, browses the public program, opens a paper page (authors, badge, BibTeX)
and downloads the iCalendar, which a real parser reads with the edition's time zone."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from artifacts.models import Badge
from conferences.models import Edition
from program.models import ProgramVersion
from tests.e2e.test_author_flow import sign_in
from tests.program.factories import PaperSpec, PersonSpec, accepted_paper

pytestmark = pytest.mark.django_db(transaction=True)

PAPERS = [
    PaperSpec(
        1,
        "Fast Sparse Attention Kernels",
        [PersonSpec("Ada Lovelace", "ETH Zurich", "0000-0002-1825-0097", presenter=True), PersonSpec("Alan Turing")],
        keywords="kernels, attention",
        pdf=True,
        badges=[Badge.AVAILABLE, Badge.FUNCTIONAL],
    ),
    PaperSpec(2, "Learned Cluster Scheduling", [PersonSpec("Grace Hopper", "MIT", presenter=True)]),
]


def test_a_chair_publishes_a_session_and_a_phone_visitor_takes_it_home(
    page: Page, browser: Browser, live_server: Any, edition: Edition, chair: Any, tmp_path: Path
) -> None:
    edition.starts_on, edition.ends_on, edition.time_zone = date(2027, 5, 18), date(2027, 5, 20), "America/Los_Angeles"
    edition.save(update_fields=["starts_on", "ends_on", "time_zone"])
    for spec in PAPERS:
        accepted_paper(edition, spec)
    base = f"{live_server.url}/{edition.slug}/program"

    # The chair builds: a room, a session, two papers placed, then publishes.
    sign_in(page, live_server.url, chair.email)
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)
    page.goto(f"{base}/builder/rooms/")
    page.locator("#room-add").get_by_label("Name").fill("Grand Ballroom")
    page.locator("#room-add").get_by_role("button").click()
    expect(page.get_by_text("Grand Ballroom").first).to_be_visible()
    page.goto(f"{base}/builder/sessions/add/")
    form = page.locator("#session-form")
    form.get_by_label("Title").fill("Compilers and kernels")
    form.get_by_label("Kind").select_option("talks")
    form.get_by_label("Room").select_option(label="Grand Ballroom")
    form.get_by_label("Starts at").fill("2027-05-18T10:30")
    form.get_by_label("Ends at").fill("2027-05-18T12:00")
    form.get_by_role("button", name="Add the session").click()
    page.goto(f"{base}/builder/")
    for number, minutes in ((1, "20"), (2, "25")):
        page.locator(f"#place-duration-{number}").fill(minutes)
        page.get_by_role("button", name=f"Place paper #{number}").click()
    builder = page.locator("main")
    expect(builder).to_contain_text("10:30-10:50 #1")
    expect(builder).to_contain_text("10:50-11:15 #2")  # the second talk starts after the first one's 20 minutes
    page.get_by_label("Note to readers (optional)").fill("The first program.")
    page.get_by_role("button", name="Publish the program").click()
    expect(page.locator("main")).to_contain_text("version 1", ignore_case=True)
    version = ProgramVersion.objects.get(edition=edition)
    assert [slot["number"] for slot in version.snapshot["sessions"][0]["slots"]] == [1, 2]

    # A visitor without an account, on a phone.
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, accept_downloads=True
    )
    phone = context.new_page()
    phone.goto(f"{base}/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Compilers and kernels")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("link", name="Fast Sparse Attention Kernels").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Fast Sparse Attention Kernels")
    main = phone.locator("main")
    expect(main).to_contain_text("Ada Lovelace")
    expect(main).to_contain_text("ETH Zurich")
    expect(main.get_by_role("img", name="Artifacts Available")).to_be_visible()
    expect(main).to_contain_text("@inproceedings")
    phone.goto(f"{base}/")
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="iCalendar", exact=False).first.click()
    saved = tmp_path / "program.ics"
    download_info.value.save_as(saved)
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    talk = next(event for summary, event in events.items() if "Learned Cluster Scheduling" in summary)
    start = talk.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert (start.hour, start.minute) == (10, 50)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    context.close()
