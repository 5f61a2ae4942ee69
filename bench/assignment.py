"""Benchmark of the reviewer-assignment solver (prints figures; no pass/fail).

    .venv/bin/python bench/assignment.py            # all sizes up to 10,000 papers x 4,000 reviewers
    .venv/bin/python bench/assignment.py --quick    # small sizes only
    .venv/bin/python bench/assignment.py --max-papers 2000

Each size runs in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own. The
peak includes the instance itself (the float32 affinity matrix: 160 MB at 10,000 x 4,000) and
the imported libraries; "rss before" is the process size just before ``solve`` is called.

Synthetic instances have the structure of real ones: papers and reviewers are mixtures over
40 topics (20 systems-flavoured, 20 ML-flavoured; Dirichlet weights), Systems reviewers lean
to the systems topics and ML reviewers to the ML ones; affinity is the cosine of the mixtures
plus Gaussian noise, clipped to [0, 1]; about two conflicts per paper. "tight" sizes have
capacity for 2% more than the demand; "contended" ones mix in a reviewer popularity shared by
all papers (70%), the adversarial case: every paper's best reviewers are the same few.

Up to 1,000 x 400 the result is compared with an independent value: SciPy HiGHS on the dense LP
of the whole problem (integral, by total unimodularity), so "LP gap" is the LP optimum minus our
objective. "dual gap" is the solver's own certificate: its Lagrangian bound minus its objective.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assignments.solver import AssignmentProblem, solve

TOPICS = 40

# (label, papers, reviewers, systems_per_paper, ml_per_paper, min_load, max_load, contention)
SIZES: list[tuple[str, int, int, int, int, int, int, float]] = [
    ("200x80", 200, 80, 2, 2, 0, 12, 0.0),
    ("500x200", 500, 200, 2, 2, 0, 12, 0.0),
    ("1000x400", 1000, 400, 2, 2, 0, 12, 0.0),
    ("2000x800", 2000, 800, 2, 2, 0, 12, 0.0),
    ("5000x2000", 5000, 2000, 2, 2, 0, 12, 0.0),
    ("10000x4000", 10000, 4000, 2, 2, 0, 12, 0.0),
    ("tight 500x170", 500, 170, 2, 2, 0, 12, 0.0),
    ("tight 2000x670", 2000, 670, 2, 2, 0, 12, 0.0),
    ("tight 10000x3340", 10000, 3340, 2, 2, 0, 12, 0.0),
    ("contended 500x200", 500, 200, 2, 2, 0, 12, 0.7),
    ("contended 10000x4000", 10000, 4000, 2, 2, 0, 12, 0.7),
    ("contended tight 10000x3340", 10000, 3340, 2, 2, 0, 12, 0.7),
    ("systems 300x80 loads 10-20", 300, 80, 2, 2, 10, 20, 0.0),
    ("systems 1000x160 loads 20-30", 1000, 160, 2, 2, 20, 30, 0.0),
    ("systems 3000x480 loads 20-30", 3000, 480, 2, 2, 20, 30, 0.0),
]
LP_CHECK_MAX_PAIRS = 400_000  # dense LP check up to 1000 x 400


def make_problem(
    papers: int,
    reviewers: int,
    k_sys: int,
    k_ml: int,
    min_load: int,
    max_load: int,
    contention: float = 0.0,
    seed: int = 0,
) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    half = TOPICS // 2
    area = np.zeros(reviewers, dtype=np.int8)
    area[reviewers // 2 :] = 1
    lean = np.full((reviewers, TOPICS), 0.05)
    lean[area == 0, :half] = 0.3
    lean[area == 1, half:] = 0.3
    expertise = np.stack([rng.dirichlet(row) for row in lean]).astype(np.float32)
    expertise /= np.linalg.norm(expertise, axis=1, keepdims=True)
    popularity = (rng.random(reviewers) ** 3).astype(np.float32)  # used with contention > 0
    affinity = np.empty((papers, reviewers), dtype=np.float32)
    for p0 in range(0, papers, 1000):
        p1 = min(papers, p0 + 1000)
        mix = rng.dirichlet(np.full(TOPICS, 0.1), size=p1 - p0).astype(np.float32)
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        block = mix @ expertise.T
        block += rng.normal(0.0, 0.05, size=block.shape).astype(np.float32)
        if contention:
            block = (1 - contention) * block + contention * popularity[None, :]
        np.clip(block, 0.0, 1.0, out=block)
        affinity[p0:p1] = block
    conflicts = np.stack([rng.integers(0, papers, 2 * papers), rng.integers(0, reviewers, 2 * papers)], axis=1)
    return AssignmentProblem(
        affinity=affinity,
        reviewer_area=area,
        systems_per_paper=k_sys,
        ml_per_paper=k_ml,
        min_load=min_load,
        max_load=max_load,
        conflicts=conflicts,
    )


def dense_lp_optimum(problem: AssignmentProblem) -> float:
    """Independent check: the whole problem as one dense LP, solved by SciPy HiGHS."""
    from scipy import sparse
    from scipy.optimize import linprog

    n, m = problem.n_papers, problem.n_reviewers
    allowed = np.ones((n, m), dtype=bool)
    allowed[problem.conflicts[:, 0], problem.conflicts[:, 1]] = False
    p, r = np.nonzero(allowed)
    nv = p.size
    area = problem.reviewer_area[r].astype(np.int64)
    cols = np.arange(nv)
    a_eq = sparse.csr_array((np.ones(nv), (2 * p + area, cols)), shape=(2 * n, nv))
    b_eq = np.tile([problem.systems_per_paper, problem.ml_per_paper], n).astype(float)
    a_load = sparse.csr_array((np.ones(nv), (r, cols)), shape=(m, nv))
    a_ub = sparse.vstack([a_load, -a_load])
    b_ub = np.concatenate([problem.max_loads, -problem.min_loads]).astype(float)
    res = linprog(-problem.scores()[p, r], A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs")
    if res.status != 0:
        raise RuntimeError(f"dense LP failed: {res.message}")
    return float(-res.fun)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_one(index: int) -> dict[str, Any]:
    label, n, m, ks, km, lo, hi, contention = SIZES[index]
    clock = time.perf_counter()
    problem = make_problem(n, m, ks, km, lo, hi, contention, seed=index)
    make_seconds = time.perf_counter() - clock
    before = rss_mb()
    result = solve(problem)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row: dict[str, Any] = {
        "label": label,
        "papers": n,
        "reviewers": m,
        "make_s": round(make_seconds, 2),
        "solve_s": round(result.solve_seconds, 2),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak),
        "objective": result.objective,
        "proven_optimal": result.proven_optimal,
        "dual_gap": result.gap,
        "rounds": result.rounds,
        "arcs_added": result.arcs_added,
        "candidate_arcs": result.candidate_arcs,
        "areas": result.stats["areas"],
    }
    if n * m <= LP_CHECK_MAX_PAIRS:
        clock = time.perf_counter()
        lp = dense_lp_optimum(problem)
        row["lp_optimum"] = lp
        row["lp_gap"] = lp - result.objective
        row["lp_s"] = round(time.perf_counter() - clock, 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-papers", type=int, default=None, help="skip sizes with more papers")
    parser.add_argument("--quick", action="store_true", help="only sizes up to 1,000 papers")
    parser.add_argument("--json", action="store_true", help="print one JSON object per size")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    limit = args.max_papers or (1000 if args.quick else None)
    print(f"{os.cpu_count()} cores; each size in its own process")
    header = (
        f"{'instance':<30} {'solve s':>8} {'peak MB':>8} {'rss0 MB':>8} {'objective':>14} "
        f"{'proven':>6} {'rounds':>6} {'added':>7} {'arcs':>8} {'dual gap':>9} {'LP gap':>9}"
    )
    if not args.json:
        print(header)
    for index, (label, n, *_rest) in enumerate(SIZES):
        if limit is not None and n > limit:
            continue
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(index)], capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            print(f"{label:<30} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(out.stdout)
        if args.json:
            print(json.dumps(row))
            continue
        lp_gap = f"{row['lp_gap']:.2e}" if "lp_gap" in row else "-"
        print(
            f"{label:<30} {row['solve_s']:>8.2f} {row['peak_rss_mb']:>8} {row['rss_before_mb']:>8} "
            f"{row['objective']:>14.4f} {row['proven_optimal']!s:>6} {row['rounds']:>6} {row['arcs_added']:>7} "
            f"{row['candidate_arcs']:>8} {row['dual_gap']:>9.1e} {lp_gap:>9}"
        )
        for name, area in row["areas"].items():
            secs = ", ".join(f"{k} {v:.2f}" for k, v in area["seconds"].items())
            print(f"    {name:<8} rounds {area['rounds']}, phase-1 rounds {area['phase1_rounds']}, seconds: {secs}")


if __name__ == "__main__":
    main()
