"""Benchmark of the review pages (prints figures; no pass/fail).

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/mlsys_reviews_bench \\
        .venv/bin/python bench/reviews.py [--papers 1000] [--reviews 4] [--comments 10] [--renders 50]

DROPS and recreates the database named by DATABASE_URL (a throwaway one: the name must end in
"bench"), migrates it, and builds with bulk_create an edition in its reviewing phase: PAPERS
papers, each with REVIEWS committed reviewers (half Systems, half ML, from a PC of 400) who
have all submitted their review, and COMMENTS discussion comments. Then renders, through the
Django test client (the whole middleware stack, one process, no network), the reviewer's
paper page, the reviewer's dashboard, the reviews API of a paper and the chairs' review
progress page (all papers), and prints the median and the 95th percentile of RENDERS renders of
each (the query counts are tests/reviews/test_query_counts.py's).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres:postgres@127.0.0.1:5432/mlsys_reviews_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=4, help="reviews per paper (even: half Systems, half ML)")
    parser.add_argument("--comments", type=int, default=10, help="comments per paper")
    parser.add_argument("--pc", type=int, default=400, help="PC members (half per area)")
    parser.add_argument("--renders", type=int, default=50, help="timed renders of each page")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg2

    admin, name = url.rsplit("/", 1)
    if not name.endswith("bench"):
        sys.exit(f"refusing to drop {name!r}: give a throwaway database whose name ends in 'bench'")
    connection = psycopg2.connect(admin + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build(args: argparse.Namespace) -> tuple[str, Any, Any, list[int]]:
    """The edition; returns its slug, a Systems reviewer, a chair and the reviewer's papers."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User
    from assignments.models import Assignment, AssignmentKind, AssignmentSource
    from conferences.models import Area, Deadline, Edition, Phase, Role
    from conferences.roles import RoleKind
    from reviews.defaults import ensure_default_forms
    from reviews.models import Comment, CommentAudience, Review, ReviewKind, ReviewRound, ReviewState
    from submissions.models import Submission, SubmissionState
    from tests.factories.reviews import COMPLETE_REVIEW

    now = timezone.now()
    edition = Edition.objects.create(slug="bench2027", name="Bench 2027")
    for phase, days in (
        (Phase.ABSTRACT_REGISTRATION, -30),
        (Phase.PAPER_SUBMISSION, -20),
        (Phase.BIDDING, -5),
        (Phase.REVIEWING, 10),
    ):
        Deadline.objects.create(edition=edition, phase=phase, closes_at=now + timedelta(days=days))
    ensure_default_forms(edition)
    review_round = ReviewRound.objects.create(edition=edition, name="R1", position=1)

    half = args.pc // 2
    users = User.objects.bulk_create(
        User(email=f"pc{i}@bench.example.org", first_name="Bench", last_name=f"Member{i}", password="!")  # noqa: S106 - unusable
        for i in range(args.pc + 1)
    )
    chair, members = users[0], users[1:]
    EmailAddress.objects.bulk_create(  # the sign-in backend wants a verified address
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    areas = {m.pk: (Area.SYSTEMS if i < half else Area.ML) for i, m in enumerate(members)}
    Role.objects.bulk_create(
        [Role(edition=edition, user=chair, kind=RoleKind.PC_CHAIR)]
        + [Role(edition=edition, user=m, kind=RoleKind.PC_MEMBER, area=areas[m.pk]) for m in members]
    )
    papers = Submission.objects.bulk_create(
        Submission(
            edition=edition,
            number=n,
            title=f"Benchmark paper {n}",
            abstract="Measuring the review pages. " * 20,
            topic="systems",
            state=SubmissionState.SUBMITTED,
        )
        for n in range(1, args.papers + 1)
    )
    per_area = args.reviews // 2
    assignments, reviews = [], []
    for i, paper in enumerate(papers):
        for _offset, pool in ((0, members[:half]), (half, members[half:])):
            for j in range(per_area):
                member = pool[(per_area * i + j) % len(pool)]
                assignments.append(
                    Assignment(
                        submission=paper,
                        user=member,
                        kind=AssignmentKind.REVIEW,
                        source=AssignmentSource.MANUAL,
                        is_committed=True,
                        committed_at=now,
                    )
                )
                reviews.append(
                    Review(
                        submission=paper,
                        reviewer=member,
                        kind=ReviewKind.PRIMARY,
                        round=review_round,
                        area=areas[member.pk],
                        state=ReviewState.SUBMITTED,
                        answers={**COMPLETE_REVIEW, "weaknesses": f"Line one of paper {paper.number}.\nLine two."},
                        version=1,
                        submitted_at=now,
                        last_submitted_at=now,
                    )
                )
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    Review.objects.bulk_create(reviews, batch_size=2000)
    reviewers_of: dict[int, list[Any]] = {}
    for a in assignments:
        reviewers_of.setdefault(a.submission_id, []).append(a.user)
    Comment.objects.bulk_create(
        (
            Comment(
                submission=paper,
                author=reviewers_of[paper.pk][k % len(reviewers_of[paper.pk])],
                audience=CommentAudience.REVIEWERS,
                body=f"Comment {k} on paper {paper.number}: $x^2$ and *emphasis*.",
            )
            for paper in papers
            for k in range(args.comments)
        ),
        batch_size=5000,
    )
    reviewer = members[0]
    mine = [a.submission.number for a in assignments if a.user_id == reviewer.pk]
    return edition.slug, reviewer, chair, mine


def timed(client: object, urls: list[str], renders: int) -> tuple[float, float]:
    for url in urls[:3]:  # warm caches and lazily created rows
        response = client.get(url, secure=True)  # type: ignore[attr-defined]
        status = response.status_code
        assert status == 200, (url, status, response.get("Location"))
    times = []
    for i in range(renders):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        response = client.get(url, secure=True)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    # A local run (DEBUG, as the test suite runs): the query log is capped and costs little.
    os.environ.update({"DJANGO_SETTINGS_MODULE": "mlsys_conf.settings", "DATABASE_URL": url, "DEBUG": "true"})
    os.environ.pop("REDIS_URL", None)
    recreate_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and a locmem mail backend
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):  # one connection throughout, as with CONN_MAX_AGE
        signal.disconnect(close_old_connections)

    started = time.perf_counter()
    slug, reviewer, chair, mine = build(args)
    print(
        f"built {args.papers} papers x {args.reviews} reviews x {args.comments} comments, "
        f"{args.pc} PC members in {time.perf_counter() - started:.1f} s"
    )
    as_reviewer, as_chair = Client(), Client()
    as_reviewer.force_login(reviewer)
    as_chair.force_login(chair)
    pages = [f"/{slug}/reviews/papers/{n}/" for n in mine]
    cases = [
        ("paper page (reviewer)", as_reviewer, pages),
        ("paper page (chair)", as_chair, pages),
        (
            "reviews API of a paper (reviewer)",
            as_reviewer,
            [f"/api/editions/{slug}/papers-to-review/{n}/reviews/" for n in mine],
        ),
        (f"reviewer dashboard ({len(mine)} papers)", as_reviewer, [f"/{slug}/reviews/"]),
        ("edition page (reviewer's panels)", as_reviewer, [f"/{slug}/"]),
        (f"review progress (chair, {args.papers} papers)", as_chair, [f"/{slug}/reviews/progress/"]),
    ]
    print(f"{'page':<44} {'median ms':>10} {'p95 ms':>8}   ({args.renders} renders each)")
    for label, client, urls in cases:
        renders = args.renders if "progress" not in label else max(5, args.renders // 5)
        median, p95 = timed(client, urls, renders)
        print(f"{label:<44} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
