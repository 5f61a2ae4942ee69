"""Benchmark of the affinity computation (prints figures; no pass/fail).

    .venv/bin/python bench/affinity.py [--sizes 200x50,1000x200,2000x400] [--publications 5]

Synthetic, abstract-length texts built from real sentences of the demo papers. Each member
lists ``--publications`` publications. For each size it times the two ways of matching:
"whole profile" (one text per member) and "per publication" (the best of the whole profile
and each publication alone, what the app stores), each with the explanation of every pair (the
top terms), and prints the peak memory of the process. Storing the rows is not included.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bidding.affinity import (
    AffinityMatrix,
    ProfileAffinity,
    compute_affinity,
    compute_profile_affinity,
    profile_text,
    profile_units,
)

SENTENCE = re.compile(r"(?<=\.)\s+")


def corpus(n_papers: int, n_members: int, n_publications: int) -> tuple[list[str], list[list[str]]]:
    records = json.loads((ROOT / "site_pages" / "demo_data" / "papers.json").read_text())
    sentences = [s for r in records for s in SENTENCE.split(r["abstract"]) if len(s) > 30]
    rng = random.Random(2027)
    papers = [" ".join(rng.sample(sentences, 8)) for _ in range(n_papers)]
    members = [[" ".join(rng.sample(sentences, 8)) for _ in range(n_publications)] for _ in range(n_members)]
    return papers, members


def timed(result: AffinityMatrix | ProfileAffinity) -> tuple[float, int]:
    """Seconds to explain every pair, and how many pairs there were."""
    started = time.perf_counter()
    pairs = sum(1 for _ in result.iter_explained())
    return time.perf_counter() - started, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200x50,1000x200,2000x400")
    parser.add_argument("--publications", type=int, default=5)
    args = parser.parse_args()
    print(f"{'papers x members':>18} {'way':>16} {'seconds':>8} {'pairs':>9} {'peak MB':>8}")
    for size in args.sizes.split(","):
        n_papers, n_members = (int(n) for n in size.split("x"))
        papers, members = corpus(n_papers, n_members, args.publications)
        for way in ("whole profile", "per publication"):
            started = time.perf_counter()
            result: AffinityMatrix | ProfileAffinity
            if way == "whole profile":
                result = compute_affinity(papers, [profile_text(publications="\n\n".join(m)) for m in members])
            else:
                result = compute_profile_affinity(papers, [profile_units(publications=m) for m in members])
            scoring = time.perf_counter() - started
            explaining, pairs = timed(result)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{size:>18} {way:>16} {scoring + explaining:8.2f} {pairs:9d} {peak:8d}")


if __name__ == "__main__":
    main()
