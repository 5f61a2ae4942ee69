"""Benchmark of the score calibration (prints figures; no pass/fail).

    .venv/bin/python bench/calibration.py [--papers 10000] [--reviews 4] [--reviewers 2500] [--repeat 3]

A simulated edition like the test's (tests/reviews/test_calibration.py): each paper reviewed by
``--reviews`` different reviewers drawn at random, quality ~ N(0, 1), reviewer bias ~ N(0, 1),
noise sd 0.5, scores rounded to the 1-6 merit scale. Prints the fit time (best and median of
``--repeat``), the components, and how well the planted biases and qualities are recovered.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviews.calibration import fit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=4)
    parser.add_argument("--reviewers", type=int, default=2_500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    quality = rng.normal(0, 1, args.papers)
    bias = rng.normal(0, 1, args.reviewers)
    chosen = np.array([rng.choice(args.reviewers, size=args.reviews, replace=False) for _ in range(args.papers)])
    papers = np.repeat(np.arange(args.papers), args.reviews)
    reviewers = chosen.ravel()
    scores = np.clip(np.rint(3.5 + quality[papers] + bias[reviewers] + rng.normal(0, 0.5, papers.size)), 1, 6)
    observations = list(zip(papers.tolist(), reviewers.tolist(), scores.tolist(), strict=True))

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = fit(observations)
        times.append(time.perf_counter() - started)
    seen = sorted(result.reviewers)
    bias_r = pearsonr([result.reviewers[j].bias for j in seen], bias[seen])[0]
    calibrated = [result.papers[i].calibrated for i in range(args.papers)]
    means = [result.papers[i].mean for i in range(args.papers)]
    print(f"{args.papers} papers x {args.reviews} reviews ({len(observations)} reviews, {len(seen)} reviewers)")
    print(f"fit: best {min(times):.3f} s, median {statistics.median(times):.3f} s over {args.repeat} runs")
    print(f"components: {result.components}")
    print(f"bias correlation (Pearson): {bias_r:.3f}")
    agreement = spearmanr(calibrated, quality)[0], spearmanr(means, quality)[0]
    print("quality ranking (Spearman): calibrated {:.3f}, mean {:.3f}".format(*agreement))


if __name__ == "__main__":
    main()
