"""Benchmark of the chairs' decision dashboard (prints figures; no pass/fail).

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/mlsys_decisions_bench \\
        .venv/bin/python bench/decisions.py [--papers 5000] [--reviews 4] [--renders 5]

DROPS and recreates the database named by DATABASE_URL (a throwaway one: the name must end in
"bench"), migrates it, and builds with bulk_create (as bench/reviews.py does, whose builder it
reuses) an edition of PAPERS submitted papers with REVIEWS submitted reviews each (merit scores
spread over the scale), a decision on every third paper and a tag on every fifth. Then renders,
through the Django test client, the chair's decision dashboard (every paper), the same sorted by
calibrated score and searched ("mean>=4"), and the JSON export, and prints the median and the
95th percentile of RENDERS renders of each (the query count is
tests/decisions/test_dashboard.py's: the same at 10 and at 200 papers).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres:postgres@127.0.0.1:5432/mlsys_decisions_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=4, help="reviews per paper (even: half Systems, half ML)")
    parser.add_argument("--pc", type=int, default=400, help="PC members (half per area)")
    parser.add_argument("--renders", type=int, default=5, help="timed renders of each page")
    return parser.parse_args()


def decide_some(slug: str, chair: object) -> None:
    """Vary the scores, decide every third paper, tag every fifth."""
    from django.db import connection
    from django.utils import timezone

    from decisions.models import Decision, PaperTag, Tag
    from decisions.services import categories_of
    from reviews.models import Review
    from submissions.models import Submission, SubmissionState

    table = Review._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET answers = jsonb_set(answers, '{{merit}}', to_jsonb(1 + (id * 7) % 6))")  # noqa: S608 - our table name
    papers = list(Submission.objects.filter(edition__slug=slug).order_by("number"))
    edition = papers[0].edition
    categories = categories_of(edition)
    decided = papers[::3]
    Submission.objects.filter(pk__in=[p.pk for i, p in enumerate(decided) if i % 2]).update(
        state=SubmissionState.REJECTED
    )
    Submission.objects.filter(pk__in=[p.pk for i, p in enumerate(decided) if not i % 2]).update(
        state=SubmissionState.ACCEPTED
    )
    now = timezone.now()
    Decision.objects.bulk_create(
        (
            Decision(
                submission=p,
                category=categories[2] if i % 2 else categories[i % 4 // 2],
                decided_by=chair,
                decided_at=now,
            )
            for i, p in enumerate(decided)
        ),
        batch_size=2000,
    )
    tags = Tag.objects.bulk_create([Tag(edition=edition, name=name) for name in ("discuss", "borderline")])
    PaperTag.objects.bulk_create(
        (PaperTag(submission=p, tag=tags[i % 2]) for i, p in enumerate(papers[::5])), batch_size=2000
    )


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "mlsys_conf.settings", "DATABASE_URL": url, "DEBUG": "true"})
    os.environ.pop("REDIS_URL", None)
    from bench.reviews import build, recreate_database, timed

    recreate_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)

    started = time.perf_counter()
    build_args = argparse.Namespace(papers=args.papers, reviews=args.reviews, comments=0, pc=args.pc)
    slug, _reviewer, chair, _mine = build(build_args)
    decide_some(slug, chair)
    print(
        f"built {args.papers} papers x {args.reviews} reviews, {args.pc} PC members in "
        f"{time.perf_counter() - started:.1f} s"
    )
    as_chair = Client()
    as_chair.force_login(chair)
    cases = [
        (f"decision dashboard ({args.papers} papers)", [f"/{slug}/decisions/"]),
        ("  sorted by calibrated score", [f"/{slug}/decisions/?sort=-calibrated"]),
        ("  searched: mean>=4 spread>=2", [f"/{slug}/decisions/?q=mean%3E%3D4+spread%3E%3D2"]),
        ("export.json", [f"/{slug}/decisions/export.json"]),
    ]
    print(f"{'page':<44} {'median ms':>10} {'p95 ms':>8}   ({args.renders} renders each)")
    for label, urls in cases:
        median, p95 = timed(as_chair, urls, args.renders)
        print(f"{label:<44} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
