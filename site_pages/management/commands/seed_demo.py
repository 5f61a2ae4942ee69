from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from site_pages.demo import DEMO_PASSWORD, seed_demo
from site_pages.demo_artifacts import ARTIFACTS_NAME, ARTIFACTS_SLUG
from site_pages.demo_program import PROGRAM_NAME, PROGRAM_SLUG
from site_pages.demo_review import REVIEW_NAME, REVIEW_SLUG


class Command(BaseCommand):
    help = "Create (once) a demo edition with chairs, a PC split between Systems and ML, authors and papers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--papers",
            type=int,
            default=24,
            help="How many demo submissions (at most 36).",
        )
        parser.add_argument(
            "--phase",
            choices=["submission", "review", "artifacts", "program"],
            default="submission",
            help="With 'review', also seed the edition in its review phase (reviews, discussion, a response); "
            "with 'artifacts', the edition in its artifact evaluation (artifacts, evaluators, badges); "
            "with 'program', the edition with its published program (camera-ready, sessions, badges).",
        )

    def handle(self, *args: Any, papers: int, phase: str = "submission", **options: Any) -> None:
        report = seed_demo(
            papers=papers,
            review_phase=phase == "review",
            artifact_phase=phase == "artifacts",
            program_phase=phase == "program",
        )
        self.stdout.write(
            f"Created {len(report.created)} objects."
            if report.created
            else "Nothing to create: the demo is already there."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in report.logins:
            self.stdout.write(f"  {email:34} {what}")
        if phase == "review":
            self.stdout.write(
                f"\nThe same accounts work in {REVIEW_NAME} (/{REVIEW_SLUG}/): the PC member has a review "
                "submitted, one in draft and one to start; the author can read the reviews and the response."
            )
        if phase == "artifacts":
            self.stdout.write(
                f"\nThe same accounts work in {ARTIFACTS_NAME} (/{ARTIFACTS_SLUG}/): the AE chair decides and "
                "releases badges (/artifacts/badges/manage/); the author's paper #1 has its artifact, a thread "
                "with its evaluators, evaluations and badges; the public badges are at /artifacts/badges/."
            )
        if phase == "program":
            self.stdout.write(
                f"\nThe same accounts work in {PROGRAM_NAME} (/{PROGRAM_SLUG}/): anyone reads the public program "
                f"at /{PROGRAM_SLUG}/program/ (papers, badges, search, authors, iCalendar/JSON/CSV/XML exports); the "
                "chair edits it in the builder (/program/builder/: one change not published yet) and builds the "
                "proceedings (/proceedings/); the author finishes paper #1's camera-ready (its licence is missing)."
            )
