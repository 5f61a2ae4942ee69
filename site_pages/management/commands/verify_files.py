from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from site_pages.backups import verify_files


class Command(BaseCommand):
    help = "Check every stored submission file against its SHA-256; exit 1 if one is missing or changed."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_files()
        for problem in problems:
            self.stdout.write(f"{problem.problem}: {problem.name} (file {problem.file_id})")
        if problems:
            raise CommandError(f"{len(problems)} stored files missing or changed.", returncode=1)
        self.stdout.write("Every stored file matches its SHA-256.")
