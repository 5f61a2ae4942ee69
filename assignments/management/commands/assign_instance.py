"""``manage.py assign_instance IN.npz --out OUT.csv [--fair] [--bid-weight W] [--time-limit S]``:
solve a reviewer-assignment instance file (format in :mod:`assignments.solver.instance`) and
write the assignment as ``paper,reviewer`` rows (0-based). Exit status 1, with the reasons on
stderr, when no assignment satisfies the constraints or the file is not a valid instance."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assignments.solver import Infeasible, InstanceError, load_instance, solve


class Command(BaseCommand):
    help = "Solve a reviewer-assignment instance (.npz) to proven optimality and write paper,reviewer rows as CSV."
    requires_system_checks: list[str] = []  # pure computation: no database, no checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instance", type=Path, help="An .npz instance file.")
        parser.add_argument("--out", type=Path, required=True, help="Where to write the paper,reviewer CSV.")
        parser.add_argument(
            "--fair", action="store_true", help="Maximise the worst paper's score first, then the total (MIP)."
        )
        parser.add_argument(
            "--bid-weight",
            type=float,
            default=0.0,
            help="Score = affinity + W * bid value (none 0, no -1, maybe 0.5, yes 1). Default 0: bids are ignored, "
            "the objective is the affinity total (in the PrefLib instance the affinity already is the bid).",
        )
        parser.add_argument("--time-limit", type=float, default=None, help="Seconds; the answer may then be unproven.")

    def handle(
        self,
        *args: Any,
        instance: Path,
        out: Path,
        fair: bool,
        bid_weight: float,
        time_limit: float | None,
        **options: Any,
    ) -> None:
        if time_limit is not None and time_limit <= 0:
            raise CommandError("--time-limit must be positive")
        try:
            problem = load_instance(instance, bid_weight=bid_weight)
        except InstanceError as error:
            raise CommandError(f"Not a valid instance: {error}") from error
        try:
            result = solve(problem, fair=fair, time_limit=time_limit)
        except Infeasible as error:
            lines = "\n".join(f"  - {reason}" for reason in error.reasons)
            raise CommandError(f"No assignment satisfies the constraints:\n{lines}") from error
        try:
            with out.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["paper", "reviewer"])
                writer.writerows(result.pairs.tolist())
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from error
        self.stdout.write(f"objective: {result.objective:.6f}")
        if problem.uses_bids:
            self.stdout.write(f"affinity total: {result.affinity_total:.6f}")
        if fair:
            self.stdout.write(f"worst paper score: {result.min_paper_score:.6f}")
        self.stdout.write(f"solve time: {result.solve_seconds:.2f} s")
        self.stdout.write(f"proven optimal: {'yes' if result.proven_optimal else 'no'}")
        self.stdout.write(f"assignments: {len(result.pairs)} written to {out}")
