from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from site_pages.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (once) a demo edition with chairs, a PC split between Systems and ML, authors and papers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--papers",
            type=int,
            default=24,
            help="How many demo submissions (at most 36).",
        )

    def handle(self, *args: Any, papers: int, **options: Any) -> None:
        report = seed_demo(papers=papers)
        self.stdout.write(
            f"Created {len(report.created)} objects."
            if report.created
            else "Nothing to create: the demo is already there."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in report.logins:
            self.stdout.write(f"  {email:34} {what}")
