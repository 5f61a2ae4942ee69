"""The visibility table (tests/reviews/visibility_world.py) checked through what people actually
get: every page and API endpoint that shows review data for paper #7, the e-mails the review
jobs and services send, and the chairs' reviews export.

Each object of the table has planted markers (``MARKERS``); for each viewer, the union of what
they get (page bodies, JSON texts, their mails) must show an object's marker iff the table says
yes (for mails, only "never when the table says no": a mail carries a link, not every object).

Scores are detected through planted values nobody could see by chance: the merit levels 2 and 5
of the edition's form are relabelled "Reject MERIT-LOW" and "Accept MERIT-HIGH", R1's merit is
set to 2 and R3's to 5 (R2's draft keeps 4), so the mean is 3.5 ("Mean 3.50" on the paper page,
``"mean_score":3.5`` in the API, "3.50" with the paper on the chairs' statistics). A page that
shows one of those labels or that mean shows a score; pages holding the review form itself (its
options list every level) are left out of the score check only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from outbox.models import Mail
from reviews import discussion, reminders, responses, services, visibility
from reviews.models import (
    CommentAudience,
    FormKind,
    NotificationPreference,
    NotifyMode,
    PaperFollow,
    Review,
    ReviewField,
)
from tests.factories.accounts import UserFactory
from tests.reviews.visibility_world import EXPECTED, OBJECTS, SECRET, World, build_world

pytestmark = pytest.mark.django_db

MARKERS: dict[str, tuple[str, ...]] = {
    "review": (SECRET["strengths"],),
    "pc_field": (SECRET["pc_comments"],),
    "identity": ("RONE", "rone@pc.example.org"),  # R1's last name and address
    "scores": ("MERIT-LOW", "MERIT-HIGH", "Mean 3.50", '"mean_score":3.5', '"mean":3.5'),
    "comment_chairs": (SECRET["comment_chairs"],),
    "comment_reviewers": (SECRET["comment_reviewers"],),
    "comment_pc": (SECRET["comment_pc"],),
    "comment_authors": (SECRET["comment_authors"],),
    "response": (SECRET["response"],),
    "response_draft": (SECRET["response_draft"],),
    "meta_review": ("META-FOR-AUTHORS-",),
    "meta_pc_field": ("META-PC-ONLY",),
}
AUTHOR_ROLES = ("author", "co_author")
REVIEWER_ROLES = ("reviewer_before", "reviewer_after", "unassigned_pc", "conflicted_pc", "meta_reviewer")
AREA_LABELS = ("(Systems)", "(ML)")
AUTHOR_NAMES = ("AUTHORNAME", "@authors.example.org")  # "AUTHORNAME" is in "COAUTHORNAME" too
MISSING = 999  # no such paper
# The chairs' pages with a row of counts or scores per paper.
COUNTS_PAGES = (
    "progress",
    "progress, missing only",
    "statistics",
    "export",
    "API review-progress",
    "API review-statistics",
    "API review-export",
)


# --- The world, with the scores planted ---------------------------------------------------------


def plant_scores(world: World) -> None:
    merit = ReviewField.objects.get(form__edition=world.edition, form__kind=FormKind.REVIEW, key="merit")
    levels = dict(merit.levels)
    levels[2], levels[5] = "Reject MERIT-LOW", "Accept MERIT-HIGH"
    merit.levels = [[value, label] for value, label in sorted(levels.items())]
    merit.save(update_fields=["levels"])
    for user, value in ((world.people["reviewer_after_systems"], 2), (world.people["reviewer_after"], 5)):
        review = Review.objects.get(submission=world.paper, reviewer=user)
        Review.objects.filter(pk=review.pk).update(answers={**review.answers, "merit": value})
    meta = world.meta_review
    Review.objects.filter(pk=meta.pk).update(answers={**meta.answers, "pc_comments": "META-PC-ONLY"})


@pytest.fixture
def world(edition: Edition) -> World:
    world = build_world(edition)
    plant_scores(world)
    return world


def client_of(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role] if role in world.people else role_user(world, role))
    return client


def role_user(world: World, role: str) -> Any:
    if role == "outsider":
        world.people["outsider"] = UserFactory(email="outsider@nowhere.example.org")
        return world.people["outsider"]
    raise KeyError(role)


def review_ids(world: World) -> list[int]:
    return list(Review.objects.filter(submission=world.paper).order_by("pk").values_list("pk", flat=True))


# --- What shows review data ---------------------------------------------------------------------

# Pages and endpoints holding a review form (every level's label is an option): no score check.
FORM_PAGES = ("write", "offline", "my-review", "my-meta-review")


def pages(world: World, number: int = 7) -> dict[str, str]:
    """Every page that shows review data of paper ``number`` (or of the edition), by a name."""
    ed = world.edition.slug
    base = f"/{ed}/reviews/papers/{number}"
    urls = {
        "reviewer's paper page": f"{base}/",
        "authors' reviews page": reverse("reviews:author_reviews", args=[ed, number]),
        "write review": f"{base}/review/",
        "write meta-review": f"{base}/meta-review/",
        "offline review": f"{base}/review/offline/",
        "offline meta-review": f"{base}/meta-review/offline/",
        "notifications": f"/{ed}/reviews/notifications/",
        "reviewer dashboard": f"/{ed}/reviews/",
        "progress": f"/{ed}/reviews/progress/",
        "progress, missing only": f"/{ed}/reviews/progress/?missing=1",
        "statistics": f"/{ed}/reviews/statistics/",
        "export": f"/{ed}/reviews/export.csv",
        "my submissions": f"/{ed}/submissions/",
        "submission page": f"/{ed}/submissions/{number}/",
        "external reviewer requests": f"/{ed}/reviews/external/",
    }
    for pk in review_ids(world):
        urls[f"history of review {pk}"] = f"{base}/reviews/{pk}/history/"
    for name, comment in world.comments.items():
        urls[f"{name} page"] = f"{base}/comments/{comment.pk}/"
        urls[f"{name} history"] = f"{base}/comments/{comment.pk}/history/"
    return urls


def api_endpoints(world: World, number: int = 7) -> dict[str, str]:
    """Every API endpoint that returns review data (``test_every_review_endpoint_is_checked``
    keeps this list complete), by URL name."""
    ed = world.edition.slug
    paper = {"edition_slug": ed, "number": number}
    urls = {
        name: reverse(f"api:{name}", kwargs=paper)
        for name in (
            "paper-to-review-detail",
            "paper-reviews",
            "my-review",
            "my-review-versions",
            "my-meta-review",
            "my-meta-review-versions",
            "paper-comment-list",
            "paper-follow",
            "author-reviews",
            "author-response",
            "review-types",
        )
    }
    for name in ("reviewer-dashboard", "review-progress", "review-statistics", "review-export"):
        urls[name] = reverse(f"api:{name}", kwargs={"edition_slug": ed})
    urls["paper-external-requests"] = reverse("api:paper-external-requests", kwargs=paper)
    urls["external-request-list"] = reverse("api:external-request-list", kwargs={"edition_slug": ed})
    urls["review-notification-preference"] = reverse("api:review-notification-preference", kwargs={"edition_slug": ed})
    for pk in review_ids(world):
        urls[f"review-rating {pk}"] = reverse("api:review-rating", kwargs={"edition_slug": ed, "review_id": pk})
    for name, comment in world.comments.items():
        ids = {**paper, "comment_id": comment.pk}
        urls[f"paper-comment-detail {name}"] = reverse("api:paper-comment-detail", kwargs=ids)
        urls[f"paper-comment-history {name}"] = reverse("api:paper-comment-history", kwargs=ids)
    return urls


# Routes of reviews' pages and API left out of the table test: the chairs' configuration of the
# forms, settings and rounds (no answers, no names, no paper); actions that only take a POST (their
# answer is a redirect or the object acted on, checked by their own tests); the paper's PDF; the
# external reviewer's invitation by its secret token (no world object).
NO_REVIEW_DATA = {
    "review-field-list",
    "review-field-detail",
    "review-settings",
    "review-round-list",
    "review-round-detail",
    "external-request-approve",
    "external-request-decline",
    "external-request-withdraw",
    "external-link",
    "external-link-accept",
    "external-link-decline",
}
PAGES_WITHOUT_REVIEW_DATA = {
    "forms",
    "form",
    "field",
    "field_move",
    "field_remove",
    "field_restore",
    "settings",
    "round_add",
    "round",
    "comment_post",
    "follow",
    "review_type",  # POST only; the chairs' list of types is on the paper page (checked)
    "rate",
    "file",
    "external_request",
    "external_approve",
    "external_decline",
    "external_withdraw",
    "external_link",
    "external_link_accept",
    "external_link_decline",
}


def fetch(client: Client, urls: dict[str, str]) -> dict[str, tuple[int, str]]:
    return {name: (answer.status_code, answer.content.decode()) for name, answer in _get_all(client, urls)}


def _get_all(client: Client, urls: dict[str, str]) -> Any:
    for name, url in urls.items():
        yield name, client.get(url)


# --- The checker --------------------------------------------------------------------------------


def table_problems(
    role: str,
    expected: tuple[bool, ...],
    texts: dict[str, str],
    *,
    skip: Callable[[str, str], bool] = lambda where, obj: False,
    must_show: bool = True,
) -> list[str]:
    """Where ``texts`` (by where they come from) disagree with the table's row: a marker of an
    object the viewer may not see, anywhere; none of an object they may see, anywhere (unless
    ``must_show`` is off, for mails)."""
    problems = []
    for obj, want in zip(OBJECTS, expected, strict=True):
        found = [
            where
            for where, text in texts.items()
            if not skip(where, obj) and any(marker in text for marker in MARKERS[obj])
        ]
        if not want and found:
            problems.append(f"{role} must not see {obj}, but it shows on: {', '.join(found)}")
        if want and must_show and not found:
            problems.append(f"{role} should see {obj}, but it shows nowhere")
    return problems


def blind_problems(world: World, role: str, texts: dict[str, str]) -> list[str]:
    """Double-blind both ways: authors never get a reviewer's name or address nor an area label;
    reviewers never get the authors' names."""
    problems = []
    if role in AUTHOR_ROLES:
        pc = [user for name, user in world.people.items() if name not in (*AUTHOR_ROLES, "outsider")]
        names = [user.display_name for user in pc] + [user.email for user in pc] + list(AREA_LABELS)
        problems += [
            f"{role} gets {name!r} on {where}" for where, text in texts.items() for name in names if name in text
        ]
    if role in REVIEWER_ROLES:
        problems += [
            f"{role} gets the authors' {name!r} on {where}"
            for where, text in texts.items()
            for name in AUTHOR_NAMES
            if name in text
        ]
    return problems


def form_page(where: str, obj: str) -> bool:
    return obj == "scores" and any(word in where for word in FORM_PAGES)


# --- Pages and API --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(EXPECTED))
def test_pages_and_api_show_what_the_table_says(world: World, role: str) -> None:
    client = client_of(world, role)
    got = fetch(client, pages(world)) | {f"API {k}": v for k, v in fetch(client, api_endpoints(world)).items()}
    texts = {where: body for where, (status, body) in got.items()}
    problems = table_problems(role, EXPECTED[role], texts, skip=form_page)
    problems += blind_problems(world, role, texts)
    # Counts by area, means and calibrated scores come as a row of paper #7 on the chairs' pages:
    # no row at all for whoever may not see its scores.
    rows = [where for where in COUNTS_PAGES if world.paper.title in texts[where]]
    sees_scores = EXPECTED[role][OBJECTS.index("scores")]
    if sees_scores and role == "chair":
        missing = [where for where in COUNTS_PAGES if where not in rows and "missing" not in where]  # #7 lacks no area
        problems += [f"{role} misses paper 7 on {where}" for where in missing]
    if not sees_scores and rows:
        problems.append(f"{role} gets paper 7's counts or scores on: {', '.join(rows)}")
    assert not problems, "\n".join(problems)


def test_the_export_has_a_row_per_visible_review_with_every_answer(world: World) -> None:
    chair = client_of(world, "chair")
    rows = chair.get(f"/{world.edition.slug}/reviews/export.csv").content.decode().splitlines()
    assert rows[0].startswith("number,title,reviewer,area,round,kind,version,review.summary")
    assert len(rows) == 1 + 3  # R1, R3 and the meta-review (R2's draft is not submitted)
    r1 = next(row for row in rows if "RONE" in row)
    assert r1.startswith("7,Joint Review Paper,")
    assert ",Systems,R1,primary," in r1
    for answer in (SECRET["strengths"], SECRET["pc_comments"], "2 Reject MERIT-LOW"):
        assert answer in r1
    data = chair.get(reverse("api:review-export", args=[world.edition.slug])).json()
    assert len(data["rows"]) == 3
    assert {row["answers"].get("review.merit") for row in data["rows"]} == {
        "2 Reject MERIT-LOW",
        "5 Accept MERIT-HIGH",
        None,
    }
    conflicted = client_of(world, "conflicted_chair")
    assert conflicted.get(f"/{world.edition.slug}/reviews/export.csv").content.decode().count("\n") == 1
    assert conflicted.get(reverse("api:review-export", args=[world.edition.slug])).json()["rows"] == []


def test_every_review_endpoint_is_checked(world: World) -> None:
    """Every route of the reviews pages and API is in the table test unless it shows no review
    data (a new one must be added to ``pages`` or ``api_endpoints``), and every endpoint checked
    is one the OpenAPI schema lists."""
    from reviews.api import urlpatterns
    from reviews.urls import urlpatterns as page_patterns

    checked = {name.split(" ")[0] for name in api_endpoints(world)}
    names = {pattern.name for pattern in urlpatterns}
    assert names - checked - NO_REVIEW_DATA == set()
    checked_pages = {resolve(url.split("?")[0]).url_name for url in pages(world).values()}
    page_names = {pattern.name for pattern in page_patterns}
    assert page_names - checked_pages - PAGES_WITHOUT_REVIEW_DATA == set()
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = set(schema.json()["paths"])
    for url in api_endpoints(world).values():
        assert any(_same_route(url, path) for path in paths), f"{url} is not in the OpenAPI schema"


def _same_route(url: str, template: str) -> bool:
    parts, wanted = url.strip("/").split("/"), template.strip("/").split("/")
    return len(parts) == len(wanted) and all(a == b or b.startswith("{") for a, b in zip(parts, wanted, strict=True))


# --- Who gets in at all ---------------------------------------------------------------------------


def paper_urls(world: World, number: int) -> dict[str, str]:
    """The routes naming paper ``number`` (pages and API)."""
    page_urls = {k: v for k, v in pages(world, number).items() if "/papers/" in v or "/submissions/" in v}
    page_urls = {k: v for k, v in page_urls.items() if not v.endswith("/submissions/")}
    api_urls = {
        f"API {k}": v for k, v in api_endpoints(world, number).items() if f"/{number}/" in v and "rating" not in k
    }
    return page_urls | api_urls


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(world: World) -> None:
    client = Client()
    for name, url in pages(world).items():
        answer = client.get(url)
        assert answer.status_code == 302, name
        assert "/accounts/login/" in answer["Location"], name
    for name, url in api_endpoints(world).items():
        assert client.get(url).status_code in (401, 403), name


@pytest.mark.parametrize("role", ["conflicted_chair", "conflicted_pc", "unassigned_pc", "outsider"])
def test_who_may_not_see_paper_7_gets_the_404_of_a_missing_paper(world: World, role: str) -> None:
    client = client_of(world, role)
    seven, missing = fetch(client, paper_urls(world, 7)), fetch(client, paper_urls(world, MISSING))
    for (name, (status, body)), (status_missing, body_missing) in zip(seven.items(), missing.values(), strict=True):
        if role == "conflicted_chair" and name == "submission page":
            continue  # a chair conflicted with a paper still handles its submission (not its reviews)
        assert status == status_missing == 404, f"{role} {name}: {status} (missing paper: {status_missing})"
        same = _without_tokens(body.replace("/7/", f"/{MISSING}/")) == _without_tokens(body_missing)
        assert same, f"{role} {name}: the body tells paper 7 exists"


def _without_tokens(body: str) -> str:
    """A page's body without its per-request CSRF token (the sign-out form's) and nonces."""
    return re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', r'\1=""', body)


# --- E-mails ----------------------------------------------------------------------------------------


def _every_mail_path(world: World, capture: Any) -> None:
    """Trigger every mail of the review phase with every viewer following paper #7."""
    now = timezone.now()
    edition, paper, people = world.edition, world.paper, world.people
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=now - timedelta(hours=1))
    Deadline.objects.update_or_create(
        edition=edition, phase=Phase.AUTHOR_RESPONSE, defaults={"closes_at": now + timedelta(days=5)}
    )
    Mail.objects.all().delete()
    for role in EXPECTED:
        if role != "anonymous":
            PaperFollow.objects.update_or_create(user=people[role], submission=paper, defaults={"follows": True})
    r1, chair = people["reviewer_after_systems"], people["chair"]
    with capture(execute=True):
        # A new comment at each level (one mentioning the reviewers by label), and the authors' own.
        discussion.comment_post(
            by=chair, submission=paper, body="Mailed " + SECRET["comment_chairs"], audience="chairs"
        )
        for audience in (CommentAudience.REVIEWERS, CommentAudience.PC, CommentAudience.AUTHORS):
            body = f"@Reviewer B @Reviewer C mailed {SECRET[f'comment_{audience}']}"
            discussion.comment_post(by=r1, submission=paper, body=body, audience=audience)
        discussion.comment_post(
            by=people["author"], submission=paper, body="Authors reply " + SECRET["comment_authors"], audience="authors"
        )
    with capture(execute=True):
        # R1 updates the submitted review (after the response): followers, then the authors.
        review = Review.objects.get(pk=world.r1_review.pk)
        answers = {**review.answers, "strengths": SECRET["strengths"] + " (revised)", "merit": 2}
        services.review_save(by=r1, review=review, answers=answers, submit=True)
    with capture(execute=True):
        # The authors update their submitted response: the reviewers are told.
        responses.response_save(by=people["author"], submission=paper, body=SECRET["response"] + " v2", submit=True)
    # Reminders (R2 owes a review, late) and the chairs' summary.
    reminders.remind_missing_reviews(now)
    # The digest of today's comments, to everyone who chose one.
    for role in EXPECTED:
        if role != "anonymous":
            NotificationPreference.objects.update_or_create(
                user=people[role], edition=edition, defaults={"mode": NotifyMode.DIGEST}
            )
    discussion.comment_digest(now + timedelta(days=1))


def mails_of(user: Any) -> dict[str, str]:
    return {
        f"mail {mail.pk} {mail.subject!r}": f"{mail.subject}\n{mail.body}\n{mail.html_body}"
        for mail in Mail.objects.filter(to_email=user.email)
    }


def test_mails_carry_nothing_the_table_hides(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _every_mail_path(world, django_capture_on_commit_callbacks)
    problems = []
    for role in EXPECTED:
        if role == "anonymous":
            continue
        texts = mails_of(world.people[role])
        problems += table_problems(role, EXPECTED[role], texts, must_show=False)
        problems += blind_problems(world, role, texts)
        if role in ("conflicted_pc", "conflicted_chair", "unassigned_pc"):
            problems += [f"{role} is mailed about paper 7: {where}" for where, text in texts.items() if "#7" in text]
    assert not problems, "\n".join(problems)
    # The mails went out (a test that would pass with no mail at all proves nothing).
    people = world.people
    assert SECRET["comment_reviewers"] in "".join(mails_of(people["chair"]).values())
    assert SECRET["comment_pc"] in "".join(mails_of(people["reviewer_after"]).values())
    assert SECRET["comment_authors"] in "".join(mails_of(people["co_author"]).values())
    assert "Reviewer A" in "".join(mails_of(people["author"]).values())  # R1's update, by label
    assert "RONE" in "".join(mails_of(people["meta_reviewer"]).values())  # R1's update, by name
    assert "RTWO" in "".join(mails_of(people["chair"]).values())  # the summary names who is late
    subjects = {role: [mail.subject for mail in Mail.objects.filter(to_email=people[role].email)] for role in people}
    assert "[MLSys 2027] Your review is late" in subjects["reviewer_before"]
    assert "[MLSys 2027] 1 paper still lacking reviews" in subjects["chair"]
    for role in ("author", "co_author", "reviewer_after", "meta_reviewer", "chair"):
        assert any("New comments in the discussion" in subject for subject in subjects[role]), role  # the digest
    for role in ("conflicted_pc", "conflicted_chair", "unassigned_pc"):
        assert subjects[role] == [], role


# --- The test can fail ------------------------------------------------------------------------------


def test_a_leak_is_reported(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: let everyone read the PC-level comments, and the checker reports it for
    the reviewer who has not submitted yet (who opens the paper and its thread)."""
    real = visibility.can_view_comment

    def leaky(access: Any, paper: Any, comment: Any) -> bool:
        return True if comment.audience == CommentAudience.PC else real(access, paper, comment)

    for module in ("reviews.visibility", "reviews.discussion"):
        monkeypatch.setattr(f"{module}.can_view_comment", leaky, raising=False)
    client = client_of(world, "reviewer_before")
    got = fetch(client, pages(world)) | {f"API {k}": v for k, v in fetch(client, api_endpoints(world)).items()}
    texts = {where: body for where, (_, body) in got.items()}
    problems = table_problems("reviewer_before", EXPECTED["reviewer_before"], texts, skip=form_page)
    assert len(problems) == 1, problems
    for part in ("must not see comment_pc", "reviewer's paper page", "API paper-comment-list"):
        assert part in problems[0]
