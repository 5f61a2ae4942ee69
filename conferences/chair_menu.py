"""The chair menu: the pages a PC chair runs an edition from, listed once. Each entry is a label
and a URL name (strings only, so the core names pages of the apps above it without importing
them). Rendered by ``{% chair_menu %}`` (conferences.templatetags.chair_menu) on every page at or
under one of these URLs, with the current page marked."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from conferences.models import Edition

CHAIR_MENU: tuple[tuple[str, str], ...] = (
    ("Dashboard", "conferences:edition"),
    ("Settings", "conferences:settings"),
    ("Deadlines", "conferences:deadlines"),
    ("Releases", "conferences:releases"),
    ("Committee", "committees:committee"),
    ("Submissions", "submissions:list"),
    ("Bids", "bidding:stats"),
    ("Assignments", "assignments:dashboard"),
    ("Review progress", "reviews:progress"),
    ("External reviewers", "reviews:external_requests"),
    ("Review statistics", "reviews:statistics"),
    ("Statistics", "site_pages:statistics"),
    ("Review form", "reviews:forms"),
    ("Review settings", "reviews:settings"),
    ("Decisions", "decisions:dashboard"),
    ("PC meeting", "decisions:meeting"),
    ("Camera-ready", "camera_ready:chairs"),
    ("Program", "program:builder"),
    ("Proceedings", "proceedings:dashboard"),
    ("Mail outbox", "outbox:mail"),
    ("Action log", "actionlog:log"),
)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


def chair_menu_for(edition: Edition, path: str) -> list[MenuItem]:
    """The menu for a page at ``path``, or [] when that page is not a chair page. The entry with
    the longest URL that ``path`` is at or under is current; the dashboard only matches itself."""
    urls = [reverse(name, kwargs={"edition_slug": edition.slug}) for _, name in CHAIR_MENU]
    dashboard = urls[0]
    matches = [url for url in urls if path == url or (url != dashboard and path.startswith(url))]
    if not matches:
        return []
    current = max(matches, key=len)
    return [MenuItem(label, url, url == current) for (label, _), url in zip(CHAIR_MENU, urls, strict=True)]
