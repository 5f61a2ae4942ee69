"""``manage.py check_pdf FILE [--edition SLUG] [--author "Name <email>"]``: the upload checks,
as JSON, run as an upload's are (in a child process under the same time and memory limits).
Exit status 0 when the PDF would pass the checks, 1 when it would not or can't be read;
no input makes it print a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from conferences.models import Edition
from submissions.pdf_checks import AuthorIdentity, Limits, check_pdf
from submissions.sandbox import run_check

AUTHOR_RE = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


class Command(BaseCommand):
    help = "Check a PDF as an upload would be checked, print the results as JSON (exit 1 if it does not pass them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--edition", help="Use this edition's page and size limits (default: 10 pages, 20 MB).")
        parser.add_argument(
            "--author", action="append", default=[], help='An author to look for (double-blind): "Name <email>".'
        )

    def handle(self, *args: Any, file: Path, edition: str | None, author: list[str], **options: Any) -> None:
        limits = self._limits(edition)
        authors = [self._author(a) for a in author]
        try:
            with file.open("rb") as handle:  # one byte past the limit tells it is too large
                content = handle.read(limits.max_bytes + 1)
        except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
            raise CommandError(f"Cannot read {file}: {getattr(error, 'strerror', None) or error}") from error
        report = run_check(check_pdf, content, limits=limits, authors=authors)
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.accepted:
            raise SystemExit(1)

    def _limits(self, slug: str | None) -> Limits:
        if slug is None:
            return Limits()
        try:
            edition = Edition.objects.filter(slug=slug).first()
        except DatabaseError as error:
            raise CommandError(f"Cannot look up the edition {slug!r}: the database is not available.") from error
        if edition is None:
            raise CommandError(f"No edition with the slug {slug!r}.")
        return Limits(max_pages=edition.page_limit, max_bytes=edition.max_pdf_bytes)

    def _author(self, text: str) -> AuthorIdentity:
        match = AUTHOR_RE.match(text)
        if not match:
            raise CommandError(f"Cannot read the author {text!r}; write it as 'Name <email>'.")
        return AuthorIdentity(name=match["name"], email=(match["email"] or "").strip())
