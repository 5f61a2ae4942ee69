from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from site_pages.backups import BackupError, export_edition


class Command(BaseCommand):
    help = "Write an edition's rows, the users they name and every stored file to a .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The edition's slug.")
        parser.add_argument("archive", type=Path, help="The archive to write (.tar.gz).")

    def handle(self, *args: Any, slug: str, archive: Path, **options: Any) -> None:
        try:
            report = export_edition(slug, archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(report.counts.values())
        self.stdout.write(f"Wrote {archive}: {rows} rows, {report.files} files.")
