"""Concurrent paper uploads against a real server: gunicorn + PostgreSQL.

    .venv/bin/python bench/uploads.py [--uploads 300] [--concurrency 16] [--workers 4]

Creates a scratch database (``mlsys_conf_bench``), an edition with its paper phase open and one
submission per author, starts gunicorn on 127.0.0.1, signs the authors in through the real
login page, then uploads distinct PDFs through the REST API from many threads at once. Prints
throughput and latency percentiles, then checks that every upload was stored exactly once, with
the SHA-256 of the bytes that were sent, and that the stored file has that hash too.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-2027"  # noqa: S105 - a scratch database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--authors", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--pages", type=int, default=6, help="sections of text in the PDF (about a page each)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="postgres://postgres:postgres@127.0.0.1:5432/mlsys_conf_bench")
    return parser.parse_args()


def make_pdf(template: bytes, marker: str) -> bytes:
    """A copy of a real paper PDF (WeasyPrint, fonts embedded) made unique by its metadata."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(template)))
    writer.add_metadata({"/Title": f"Benchmark paper {marker}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def setup_database(args: argparse.Namespace) -> list[tuple[str, int]]:
    """A fresh scratch database with an edition, authors and their submissions."""
    import psycopg2

    admin = args.database.rsplit("/", 1)[0] + "/postgres"
    name = args.database.rsplit("/", 1)[1]
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User
    from conferences.models import Deadline, Edition, Phase
    from submissions.services import AuthorInput, submission_register

    edition = Edition.objects.create(slug="bench2027", name="Bench 2027", page_limit=30)
    now = timezone.now()
    for phase, days in ((Phase.ABSTRACT_REGISTRATION, 5), (Phase.PAPER_SUBMISSION, 10)):
        Deadline.objects.create(edition=edition, phase=phase, closes_at=now + timedelta(days=days))
    authors = []
    for i in range(args.authors):
        email = f"author{i}@bench.example.org"
        user = User.objects.create_user(email=email, password=PASSWORD, first_name="Bench", last_name=f"Author{i}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        submission = submission_register(
            edition=edition,
            title=f"Benchmark submission {i}",
            abstract="Measuring uploads.",
            topic="systems",
            authors=[AuthorInput(user.display_name, email, "Bench University", True)],
            by=user,
        )
        authors.append((email, submission.number))
    return authors


class Session:
    """One signed-in browser-like client: cookies, CSRF token, multipart uploads."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        form = urllib.parse.urlencode(
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"})
        self.opener.open(request).read()
        assert self.csrf, f"{email} did not get a session"

    @property
    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def upload(self, path: str, filename: str, content: bytes) -> tuple[int, float]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self.csrf,
                "Referer": f"{self.base}/",
            },
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request) as response:
                response.read()
                code = response.status
        except urllib.error.HTTPError as error:
            code = error.code
        return code, time.perf_counter() - started


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args()
    media = Path(tempfile.mkdtemp(prefix="mlsys-bench-media-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings",
        "DATABASE_URL": args.database,
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(media / "static"),
        "SECRET_KEY": "benchmark-only-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    print(f"Setting up {args.authors} authors in {args.database.rsplit('/', 1)[1]} ...", flush=True)
    authors = setup_database(args)

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mlsys_conf.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(base + "/health/")
        sessions = {email: Session(base, email) for email, _ in authors}
        from site_pages.demo import make_paper_pdf

        template = make_paper_pdf("Benchmark Paper", "Measuring uploads. " * 40, pages_of_text=args.pages - 2)
        jobs = []
        for i in range(args.uploads):
            email, number = authors[i % len(authors)]
            content = make_pdf(template, f"{i}-{uuid.uuid4().hex}")
            jobs.append((email, f"/api/editions/bench2027/submissions/{number}/paper/", f"paper-{i}.pdf", content))
        size = statistics.mean(len(job[3]) for job in jobs)
        print(
            f"Uploading {args.uploads} PDFs of {size / 1024:.0f} KB, {args.concurrency} at a time, "
            f"to gunicorn with {args.workers} workers ...",
            flush=True,
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(lambda job: sessions[job[0]].upload(job[1], job[2], job[3]), jobs))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = [seconds for _, seconds in results]
    codes = [code for code, _ in results]
    print(f"\nthroughput   {len(results) / elapsed:8.1f} uploads/s ({len(results)} in {elapsed:.1f} s)")
    print(f"latency p50  {percentile(latencies, 0.50) * 1000:8.0f} ms")
    print(f"latency p90  {percentile(latencies, 0.90) * 1000:8.0f} ms")
    print(f"latency p99  {percentile(latencies, 0.99) * 1000:8.0f} ms")
    print(f"latency max  {max(latencies) * 1000:8.0f} ms")
    print(f"responses    {dict(sorted((c, codes.count(c)) for c in set(codes)))}")

    from submissions.models import SubmissionFile

    expected = {hashlib.sha256(job[3]).hexdigest() for job in jobs}
    stored = list(SubmissionFile.objects.filter(submission__edition__slug="bench2027").values_list("sha256", "file"))
    hashes = [sha for sha, _ in stored]
    duplicates = len(hashes) - len(set(hashes))
    missing = expected - set(hashes)
    corrupt = [sha for sha, name in stored if hashlib.sha256((media / name).read_bytes()).hexdigest() != sha]
    print(
        f"stored       {len(stored)} versions for {len(jobs)} uploads; missing {len(missing)}, "
        f"stored twice {duplicates}, file not matching its hash {len(corrupt)}"
    )
    shutil.rmtree(media, ignore_errors=True)
    ok = not missing and not duplicates and not corrupt and set(codes) == {201}
    print("verdict      " + ("every upload stored exactly once with the right hash" if ok else "PROBLEMS, see above"))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
