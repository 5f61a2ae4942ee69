"""``manage.py check_pdf FILE [--edition SLUG] [--author "Name <email>"]``: the upload checks,
as JSON. Exit status 0 when the PDF would be accepted, 1 when it would be rejected."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conferences.models import Edition
from submissions.pdf_checks import AuthorIdentity, Limits, check_pdf

AUTHOR_RE = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


class Command(BaseCommand):
    help = "Check a PDF as an upload would be checked, print the results as JSON (exit 1 if rejected)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--edition", help="Use this edition's page and size limits (default: 10 pages, 20 MB).")
        parser.add_argument(
            "--author", action="append", default=[], help='An author to look for (double-blind): "Name <email>".'
        )

    def handle(self, *args: Any, file: Path, edition: str | None, author: list[str], **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        report = check_pdf(content, limits=self._limits(edition), authors=[self._author(a) for a in author])
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.accepted:
            raise SystemExit(1)

    def _limits(self, slug: str | None) -> Limits:
        if slug is None:
            return Limits()
        edition = Edition.objects.filter(slug=slug).first()
        if edition is None:
            raise CommandError(f"No edition with the slug {slug!r}.")
        return Limits(max_pages=edition.page_limit, max_bytes=edition.max_pdf_bytes)

    def _author(self, text: str) -> AuthorIdentity:
        match = AUTHOR_RE.match(text)
        if not match:
            raise CommandError(f"Cannot read the author {text!r}; write it as 'Name <email>'.")
        return AuthorIdentity(name=match["name"], email=(match["email"] or "").strip())
