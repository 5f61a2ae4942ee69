"""The public program under load: requests per second and latency of the schedule page and of
paper pages, for a program of 300 papers, served by gunicorn against PostgreSQL.

    .venv/bin/python bench/public_program.py [--papers 300] [--workers 4] [--clients 16] [--seconds 20]
                                             [--cache redis|locmem]

DROPS and recreates the scratch database ``mlsys_conf_bench_program``, builds an edition with
PAPERS accepted papers in sessions and one published version (bench/_program.py), starts gunicorn
(DEBUG off, the production settings), then for each target lets CLIENTS threads request it as
fast as they can for SECONDS (a new connection per request, as anonymous visitors do) and prints
the first (uncached) response time, requests per second, p50 and p99. Paper pages are requested
at random over all papers, so the cache holds each only after its first visit. The cache is
Redis (as in production, db 14) or each worker's own memory.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _program import build_published_program
from _server import ROOT, bench_env, fresh_database, percentile, start_gunicorn

DATABASE = "postgres://postgres:postgres@127.0.0.1:5432/mlsys_conf_bench_program"
SLUG = "bench2027"
PORT = 8791


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each target's run")
    parser.add_argument("--cache", choices=("redis", "locmem"), default="redis")
    return parser.parse_args()


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as reply:
        reply.read()
        if reply.status != 200:
            raise SystemExit(f"{url} answered {reply.status}")
    return time.perf_counter() - started


def hammer(urls: list[str], clients: int, seconds: float) -> tuple[int, list[float], float]:
    """Requests done, their latencies, and the wall time, with ``clients`` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        pick = random.Random(seed)
        mine = []
        while time.monotonic() < stop:
            mine.append(fetch(pick.choice(urls)))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, time.perf_counter() - started


def main() -> None:
    args = parse_args()
    env = bench_env(DATABASE, Path(tempfile.gettempdir()) / "mlsys_bench_program_media")
    if args.cache == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    os.environ.update(env)
    os.chdir(ROOT)
    fresh_database(DATABASE)
    started = time.perf_counter()
    version = build_published_program(SLUG, args.papers)
    print(f"built {args.papers} papers and published version {version.number} in {time.perf_counter() - started:.1f} s")
    if args.cache == "redis":
        from django.core.cache import cache

        cache.clear()
    server = start_gunicorn(env, PORT, args.workers)
    base = f"http://127.0.0.1:{PORT}/{SLUG}/program/"
    targets = {
        "schedule page": [base],
        "paper pages": [f"{base}papers/{n}/" for n in range(1, args.papers + 1)],
        "iCalendar export": [f"{base}program.ics"],
    }
    try:
        print(f"gunicorn: {args.workers} sync workers; {args.clients} clients; cache: {args.cache}")
        print(f"{'target':<18}{'first':>10}{'req/s':>10}{'p50':>10}{'p99':>10}{'requests':>10}")
        for name, urls in targets.items():
            first = fetch(urls[0])
            count, latencies, wall = hammer(urls, args.clients, args.seconds)
            print(
                f"{name:<18}{first * 1000:>8.0f}ms{count / wall:>10.0f}"
                f"{percentile(latencies, 0.5) * 1000:>8.1f}ms{percentile(latencies, 0.99) * 1000:>8.1f}ms{count:>10}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
