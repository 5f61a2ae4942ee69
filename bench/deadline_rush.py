"""The deadline rush: many authors upload a 5 MB paper through the web form in the last minute.

    .venv/bin/python bench/deadline_rush.py [--authors 200] [--window 60] [--workers 4]

Creates a scratch database (``mlsys_conf_bench_rush``), an edition whose paper deadline closes
just after the window, one author and one submission per author (plus ``--late`` authors who
send after the deadline), starts gunicorn (and a Celery worker on Redis unless ``--no-celery``),
signs every author in through the real login page, then lets each one, at a time spread over
the window with a burst near its end: open their paper's page (the form: CSRF token and the
upload's idempotency key), POST the form with a distinct PDF of about 5 MB (a few pages and an
image), and on an error or a timeout POST again with the SAME key. Prints latency percentiles,
errors, retries and throughput, then checks every receipt (the page's "Uploaded; ... SHA-256")
against its database row and the stored file's SHA-256, that nothing was stored twice or lost,
and that every upload sent after the deadline was refused and left nothing behind.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import (
    EDITION,
    ROOT,
    BigPaper,
    Session,
    bench_env,
    percentile,
    setup_database,
    start_gunicorn,
    tree_cpu_seconds,
)

RECEIPT = re.compile(r"Uploaded; it passed the checks \(SHA-256 ([0-9a-f]{16})")
KEY = re.compile(r'id="upload-paper".*?name="idempotency_key" value="([^"]+)"', re.S)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authors", type=int, default=200)
    parser.add_argument("--late", type=int, default=5, help="authors who send after the deadline")
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which uploads arrive")
    parser.add_argument("--burst", type=float, default=0.5, help="share of the uploads in the burst")
    parser.add_argument("--burst-seconds", type=float, default=10.0, help="the burst: the window's last seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--bytes", type=int, default=5_000_000, help="size of each PDF")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE: keep database connections")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout of one POST, seconds")
    parser.add_argument("--retries", type=int, default=5)
    parser.add_argument("--no-celery", action="store_true", help="no Redis broker and worker: mail runs eagerly")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--profile", help="py-spy (pip install py-spy) the server into this file: an SVG, or collapsed stacks if .txt"
    )
    parser.add_argument("--database", default="postgres://postgres:postgres@127.0.0.1:5432/mlsys_conf_bench_rush")
    return parser.parse_args()


@dataclass
class Upload:
    email: str
    number: int
    at: float  # seconds after the window opens: the POST
    form_at: float  # when the author opens the form (the late ones: while the phase is open)
    late: bool = False
    done_at: float = 0.0
    sha256: str = ""
    attempts: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    receipt: str = ""
    sent_at: datetime | None = None
    error: str = ""


def schedule(args: argparse.Namespace, rng: random.Random) -> list[float]:
    burst = round(args.authors * args.burst)
    calm_end = max(args.window - args.burst_seconds, 0.0)
    times = [rng.uniform(0, calm_end) for _ in range(args.authors - burst)]
    times += [rng.uniform(calm_end, args.window) for _ in range(burst)]
    return sorted(times)


def run_one(upload: Upload, session: Session, paper: BigPaper, args: argparse.Namespace, t0: float) -> None:
    time.sleep(max(0.0, t0 + upload.form_at - time.monotonic()))
    path = f"/{EDITION}/submissions/{upload.number}/"
    page = session.get(path)
    found = KEY.search(page.body.decode())
    if page.status != 200 or 'id="upload-paper"' not in page.body.decode():
        upload.error = f"form page {page.status}"
        return
    key = found.group(1) if found else ""  # "": a checkout from before the keys, to compare
    content = paper.copy(f"{upload.email}-{uuid.uuid4().hex}")
    upload.sha256 = hashlib.sha256(content).hexdigest()
    time.sleep(max(0.0, t0 + upload.at - time.monotonic()))
    fields = {"csrfmiddlewaretoken": session.csrf, "idempotency_key": key}
    upload.sent_at = datetime.now(UTC)
    for attempt in range(args.retries + 1):
        try:
            reply = session.post_file(f"{path}upload/paper/", "paper.pdf", content, fields=fields, timeout=args.timeout)
            status, seconds = reply.status, reply.seconds
        except OSError as error:  # a timeout or a reset connection: retried with the same key
            status, seconds = 0, args.timeout
            upload.error = repr(error)
        upload.attempts.append((status, seconds))
        if status == 302 or (upload.late and status == 403):
            break
        time.sleep(min(0.5 * 2**attempt, 4.0))
    upload.done_at = time.monotonic() - t0
    if upload.attempts[-1][0] == 302:
        after = session.get(path)  # the receipt is the message on the page the form returns to
        receipt = RECEIPT.search(html.unescape(after.body.decode()))
        upload.receipt = receipt.group(1) if receipt else ""


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    media = Path(tempfile.mkdtemp(prefix="mlsys-rush-media-"))
    env = bench_env(args.database, media)
    env["CONN_MAX_AGE"] = str(args.conn_max_age)
    env["ALLAUTH_TRUSTED_PROXY_COUNT"] = "1"  # each author signs in from an address of their own
    if not args.no_celery:
        import redis

        redis.Redis.from_url(args.redis).flushdb()  # no rate-limit counts left from an earlier run
        env["REDIS_URL"] = args.redis
        env["CELERY_TASK_DEFAULT_QUEUE"] = f"rush-{uuid.uuid4().hex[:8]}"
    os.environ.update(env)
    total = args.authors + args.late
    print(f"Setting up {total} authors in {args.database.rsplit('/', 1)[1]} ...", flush=True)
    authors = setup_database(args.database, total)
    print(f"Building a {args.bytes / 1e6:.1f} MB paper ...", flush=True)
    paper = BigPaper(args.bytes)

    base = f"http://127.0.0.1:{args.port}"
    extra = ["--worker-class", args.worker_class, "--threads", str(args.threads)]
    server = start_gunicorn(env, args.port, args.workers, *extra)
    celery = None
    if not args.no_celery:
        celery = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mlsys_conf", "worker", "-c", "1", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
        )
    profiler = None
    try:
        print(f"Signing in {total} authors through the login page ...", flush=True)
        with ThreadPoolExecutor(max_workers=8) as pool:
            signed_in = pool.map(lambda i: Session(base, authors[i][0], f"10.0.{i // 250}.{i % 250 + 1}"), range(total))
            sessions = dict(zip([e for e, _ in authors], signed_in, strict=True))

        from django.utils import timezone

        from conferences.models import Deadline, Phase

        times = schedule(args, rng)
        uploads = [Upload(e, n, at, at) for (e, n), at in zip(authors[: args.authors], times, strict=True)]
        closes_at = timezone.now() + timedelta(seconds=args.window + 2.0)
        # The late ones open their form while the phase is open and send 1-3 s after it closed.
        late = [
            Upload(e, n, args.window + 3.0 + i * 2.0 / max(args.late, 1), args.window - 5.0, late=True)
            for i, (e, n) in enumerate(authors[args.authors :])
        ]
        Deadline.objects.filter(edition__slug=EDITION, phase=Phase.PAPER_SUBMISSION).update(closes_at=closes_at)
        if args.profile:
            fmt = "raw" if args.profile.endswith(".txt") else "flamegraph"  # raw: collapsed stacks
            py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
            profiler = subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--subprocesses",
                    "--nonblocking",
                    "--idle",
                    "--format",
                    fmt,
                    "--pid",
                    str(server.pid),
                    "-o",
                    args.profile,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        threads_note = f" x {args.threads} threads" if args.threads > 1 else ""
        print(
            f"{args.authors} uploads over {args.window:.0f} s ({args.burst:.0%} in the last "
            f"{args.burst_seconds:.0f} s), {args.late} after the deadline; gunicorn {args.workers} x "
            f"{args.worker_class}{threads_note}, Celery {'off' if celery is None else 'on'} ...",
            flush=True,
        )
        load_before = os.getloadavg()[0]
        cpu_before = tree_cpu_seconds(server.pid)
        celery_before = tree_cpu_seconds(celery.pid) if celery else 0.0
        t0 = time.monotonic()
        threads = [
            threading.Thread(target=run_one, args=(u, sessions[u.email], paper, args, t0)) for u in uploads + late
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - t0
        server_cpu = tree_cpu_seconds(server.pid) - cpu_before
        load_after = os.getloadavg()[0]
        celery_cpu = tree_cpu_seconds(celery.pid) - celery_before if celery else 0.0
    finally:
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
        if celery is not None:
            celery.terminate()
            celery.wait(timeout=30)

    ok = report(args, uploads, late, closes_at, elapsed, media)
    print(
        f"server CPU   {server_cpu:.1f} s for {len(uploads)} uploads: "
        f"{server_cpu / max(len(uploads), 1) * 1000:.0f} ms each "
        f"(form, POST with its check, receipt page); Celery {celery_cpu:.1f} s"
    )
    print(f"machine      {os.cpu_count()} cores, load average {load_before:.1f} before, {load_after:.1f} after")
    shutil.rmtree(media, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


def report(
    args: argparse.Namespace,
    uploads: list[Upload],
    late: list[Upload],
    closes_at: datetime,
    elapsed: float,
    media: Path,
) -> None:
    from submissions.models import SubmissionFile

    attempts = [seconds for u in uploads for status, seconds in u.attempts]
    whole = [sum(s for _, s in u.attempts) for u in uploads if u.attempts]
    errors = [status for u in uploads for status, _ in u.attempts if status != 302]
    retries = sum(max(len(u.attempts) - 1, 0) for u in uploads)
    burst_start = args.window - args.burst_seconds
    burst = [u for u in uploads if u.at >= burst_start]
    burst_end = max((u.done_at for u in burst), default=burst_start + 1e-9)
    print(f"\nuploads      {len(uploads)} in {elapsed:.1f} s; the burst: {len(burst)} in {args.burst_seconds:.0f} s")
    print(
        f"throughput   {len(uploads) / max(u.done_at for u in uploads):6.1f} uploads/s over the window; "
        f"burst offered {len(burst) / args.burst_seconds:.1f}/s, served {len(burst) / (burst_end - burst_start):.1f}/s"
    )
    if attempts:
        print(f"POST p50     {percentile(attempts, 0.50) * 1000:8.0f} ms")
        print(f"POST p90     {percentile(attempts, 0.90) * 1000:8.0f} ms")
        print(f"POST p99     {percentile(attempts, 0.99) * 1000:8.0f} ms")
        print(f"POST max     {max(attempts) * 1000:8.0f} ms")
        print(f"upload p99   {percentile(whole, 0.99) * 1000:8.0f} ms (all attempts of one upload)")
    print(f"errors       {len(errors)} {dict(sorted((c, errors.count(c)) for c in set(errors)))}; retries {retries}")
    failed = [u for u in uploads if not u.attempts or u.attempts[-1][0] != 302]
    print(f"not uploaded {len(failed)}" + (f" (first: {failed[0].email} {failed[0].error})" if failed else ""))

    rows = list(
        SubmissionFile.objects.filter(submission__edition__slug=EDITION).values_list(
            "submission__number", "sha256", "file", "is_accepted", "uploaded_at"
        )
    )
    by_number: dict[int, list[tuple[str, str, bool, datetime]]] = {}
    for number, sha, name, accepted, at in rows:
        by_number.setdefault(number, []).append((sha, name, accepted, at))
    bad_receipts = lost = duplicates = corrupt = 0
    for u in uploads:
        versions = by_number.get(u.number, [])
        duplicates += max(len(versions) - 1, 0)
        if u.attempts and u.attempts[-1][0] == 302:
            if not u.receipt or not u.sha256.startswith(u.receipt):
                bad_receipts += 1
            if [v[0] for v in versions if v[2]] != [u.sha256]:
                lost += 1
        for sha, name, _, _ in versions:
            path = media / name
            if name and (not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha):
                corrupt += 1
    stored = [p for p in (media / "submissions").rglob("*") if p.is_file()] if (media / "submissions").exists() else []
    orphans = len(stored) - sum(1 for *_, name, _, _ in rows if name)
    late_accepted = sum(1 for u in late if by_number.get(u.number))
    late_refused = sum(1 for u in late if u.attempts and all(s == 403 for s, _ in u.attempts))
    late_sent_after = sum(1 for u in late if u.sent_at and u.sent_at > closes_at)
    print(
        f"verified     {len(rows)} rows for {len(uploads)} uploads; receipts not matching {bad_receipts}, "
        f"lost {lost}, duplicates {duplicates}, files not matching their hash {corrupt}, orphan files {orphans}"
    )
    print(
        f"after close  {late_sent_after}/{len(late)} sent after the deadline: refused {late_refused}, "
        f"recorded {late_accepted}"
    )
    ok = not (errors or failed or bad_receipts or lost or duplicates or corrupt or orphans or late_accepted)
    ok = ok and late_refused == len(late)
    print(
        "verdict      "
        + ("every upload received once, with its receipt, nothing late" if ok else "PROBLEMS, see above")
    )
    return ok


if __name__ == "__main__":
    main()
