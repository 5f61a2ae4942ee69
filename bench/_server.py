"""What the upload benchmarks share: a scratch PostgreSQL database with an edition, authors and
their submissions, gunicorn on 127.0.0.1, browser-like signed-in clients (real login page,
cookies, CSRF), realistic PDFs and latency percentiles. Not a test and not imported by the app.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-2027"  # noqa: S105 - a scratch database
EDITION = "bench2027"


def bench_env(database: str, media: Path) -> dict[str, str]:
    """The environment of the server and of this script (production-like: DEBUG off)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings",
        "DATABASE_URL": database,
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
    return env


def fresh_database(database: str) -> None:
    """Drop and recreate the scratch database ``database``, migrate it and collect the static
    files (the environment of :func:`bench_env` must be in ``os.environ``)."""
    import psycopg2

    admin = database.rsplit("/", 1)[0] + "/postgres"
    name = database.rsplit("/", 1)[1]
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


def setup_database(
    database: str, authors: int, *, paper_closes: datetime | None = None, max_pdf_mb: int | None = None
) -> list[tuple[str, int]]:
    """A fresh scratch database with an edition, ``authors`` authors and one submission each;
    returns (e-mail, submission number) pairs."""
    fresh_database(database)

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from conferences.models import Deadline, Edition, Phase
    from submissions.services import AuthorInput, submission_register

    edition = Edition.objects.create(slug=EDITION, name="Bench 2027", page_limit=30)
    if max_pdf_mb is not None:
        edition.max_pdf_mb = max_pdf_mb
        edition.save(update_fields=["max_pdf_mb"])
    now = timezone.now()
    Deadline.objects.create(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=now + timedelta(days=5))
    Deadline.objects.create(
        edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=paper_closes or now + timedelta(days=10)
    )
    hashed = make_password(PASSWORD)  # hashed once: the same password for everyone
    pairs = []
    for i in range(authors):
        email = f"author{i}@bench.example.org"
        user = User.objects.create_user(email=email, first_name="Bench", last_name=f"Author{i}")
        user.password = hashed
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        submission = submission_register(
            edition=edition,
            title=f"Benchmark submission {i}",
            abstract="Measuring uploads.",
            topic="systems",
            authors=[AuthorInput(user.display_name, email, "Bench University", True)],
            by=user,
        )
        pairs.append((email, submission.number))
    return pairs


def start_gunicorn(env: Mapping[str, str], port: int, workers: int, *extra: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mlsys_conf.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env=dict(env),
    )
    wait_for(f"http://127.0.0.1:{port}/health/")
    return server


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not start")


@dataclass
class Reply:
    status: int
    body: bytes
    location: str
    seconds: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Session:
    """One signed-in browser-like client: cookies, CSRF token, multipart uploads."""

    def __init__(self, base: str, email: str, address: str = "") -> None:
        """``address``: the client's own address, as a proxy in front would pass it on
        (``X-Forwarded-For``; the server must trust one proxy: ``ALLAUTH_TRUSTED_PROXY_COUNT=1``),
        so that many authors don't all sign in from one address and meet its rate limit."""
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.plain = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        if address:
            self.opener.addheaders.append(("X-Forwarded-For", address))
            self.plain.addheaders.append(("X-Forwarded-For", address))
        page = self.opener.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        form = urllib.parse.urlencode(
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"})
        self.opener.open(request).read()
        assert any(c.name == "sessionid" for c in self.jar), f"{email} did not get a session"

    @property
    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path: str, timeout: float = 60) -> Reply:
        return self._send(urllib.request.Request(self.base + path), timeout)

    def post_file(
        self,
        path: str,
        filename: str,
        content: bytes,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> Reply:
        """A multipart POST of ``content`` as the field ``file`` (plus ``fields``), not
        following the redirect a form answers with."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in (fields or {}).items()
        ]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        body = b"".join([*parts, head, content, f"\r\n--{boundary}--\r\n".encode()])
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-CSRFToken": self.csrf,
                "Referer": f"{self.base}/",
                **(headers or {}),
            },
        )
        return self._send(request, timeout)

    def _send(self, request: urllib.request.Request, timeout: float) -> Reply:
        started = time.perf_counter()
        try:
            with self.plain.open(request, timeout=timeout) as response:
                body = response.read()
                return Reply(response.status, body, response.headers.get("Location", ""), time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            body = error.read()
            return Reply(error.code, body, error.headers.get("Location", ""), time.perf_counter() - started)


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of ``root`` and every live descendant, plus what their reaped
    children used (Linux /proc): the server's cost, whatever else the machine is running."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def small_paper_pdf(pages: int) -> bytes:
    """A real paper (WeasyPrint, fonts embedded) of about ``pages`` pages."""
    from site_pages.demo import make_paper_pdf

    return make_paper_pdf("Benchmark Paper", "Measuring uploads. " * 40, pages_of_text=max(pages - 2, 1))


def unique_copy(template: bytes, marker: str) -> bytes:
    """A copy of a paper PDF made unique by its metadata (pypdf rewrites it: slow for big files)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(template)))
    writer.add_metadata({"/Title": f"Benchmark paper {marker}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


SLOT = b"BENCH-UNIQUE-SLOT-" + b"0" * 46  # 64 bytes inside the image's pixels


class BigPaper:
    """A paper of a few pages with a photo-sized image (raw RGB pixels) that brings it to about
    ``size`` bytes; each :meth:`copy` differs in 64 bytes of pixels, so copies are distinct
    files made in a millisecond, with the byte offsets (and the cross-reference table) intact."""

    def __init__(self, size: int = 5_000_000, pages: int = 4) -> None:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

        paper = small_paper_pdf(pages)
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper)))
        base = len(paper)
        width = 1024
        height = max(1, int((size - base - 40_000) // (width * 3)))
        pixels = bytearray(os.urandom(width * height * 3))
        pixels[1000 : 1000 + len(SLOT)] = SLOT
        image = DecodedStreamObject()
        image.set_data(bytes(pixels))
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(width),
                NameObject("/Height"): NumberObject(height),
                NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            }
        )
        page = writer.pages[1]
        resources = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"].get_object()[NameObject("/ImBench")] = writer._add_object(image)
        drawing = DecodedStreamObject()
        drawing.set_data(b"q 300 0 0 200 150 300 cm /ImBench Do Q")
        contents = page.get_contents()
        assert contents is not None
        contents.set_data(contents.get_data() + b"\n" + drawing.get_data())
        page.replace_contents(contents)
        buffer = io.BytesIO()
        writer.write(buffer)
        self.template = buffer.getvalue()
        self.slot = self.template.index(SLOT)

    def copy(self, marker: str) -> bytes:
        data = bytearray(self.template)
        stamp = marker.encode()[: len(SLOT)].ljust(len(SLOT), b"-")
        data[self.slot : self.slot + len(SLOT)] = stamp
        return bytes(data)
