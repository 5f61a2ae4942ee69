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
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import (
    EDITION,
    Session,
    bench_env,
    percentile,
    setup_database,
    small_paper_pdf,
    start_gunicorn,
    unique_copy,
)


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


def main() -> None:
    args = parse_args()
    media = Path(tempfile.mkdtemp(prefix="mlsys-bench-media-"))
    env = bench_env(args.database, media)
    os.environ.update(env)
    print(f"Setting up {args.authors} authors in {args.database.rsplit('/', 1)[1]} ...", flush=True)
    authors = setup_database(args.database, args.authors)

    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(env, args.port, args.workers)
    try:
        sessions = {email: Session(base, email) for email, _ in authors}
        template = small_paper_pdf(args.pages)
        jobs = []
        for i in range(args.uploads):
            email, number = authors[i % len(authors)]
            content = unique_copy(template, f"{i}-{uuid.uuid4().hex}")
            jobs.append((email, f"/api/editions/{EDITION}/submissions/{number}/paper/", f"paper-{i}.pdf", content))
        size = statistics.mean(len(job[3]) for job in jobs)
        print(
            f"Uploading {args.uploads} PDFs of {size / 1024:.0f} KB, {args.concurrency} at a time, "
            f"to gunicorn with {args.workers} workers ...",
            flush=True,
        )

        def send(job: tuple[str, str, str, bytes]) -> tuple[int, float]:
            reply = sessions[job[0]].post_file(job[1], job[2], job[3])
            return reply.status, reply.seconds

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(send, jobs))
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
    stored = list(SubmissionFile.objects.filter(submission__edition__slug=EDITION).values_list("sha256", "file"))
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
