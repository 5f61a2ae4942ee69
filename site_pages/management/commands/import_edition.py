from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from site_pages.backups import BackupError, import_edition


class Command(BaseCommand):
    help = "Restore an edition archive written by export_edition into a database without that edition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive to read (.tar.gz).")

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        try:
            report = import_edition(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(report.counts.values())
        self.stdout.write(
            f"Restored {report.edition}: {rows} rows, {report.files} files, "
            f"{report.users_created} users created, {report.users_kept} existing users kept."
        )
