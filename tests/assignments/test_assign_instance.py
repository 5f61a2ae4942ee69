"""``manage.py assign_instance``: instance files in, CSV out, reasons when it cannot be done.

None of these tests needs the database: the command only reads and writes files.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assignments.solver import AssignmentProblem, load_instance, save_instance
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT.parent / "shared" / "data" / "assignment" / "instances"


def instance_arrays(seed: int = 0, papers: int = 10, per_area: int = 5) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "affinity": rng.random((papers, 2 * per_area)).astype(np.float32),
        "reviewer_area": np.repeat([0, 1], per_area).astype(np.int8),
        "conflicts": np.array([[0, 0], [1, 7], [3, 2]], dtype=np.int32),
        "systems_per_paper": np.int32(2),
        "ml_per_paper": np.int32(2),
        "max_load": np.int32(5),
        "min_load": np.int32(1),
    }


def write(path: Path, **arrays: Any) -> Path:
    np.savez(path, **arrays)
    return path


def run(*args: Any) -> str:
    out = StringIO()
    call_command("assign_instance", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def read_pairs(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_writes_the_assignment_and_reports_the_objective(tmp_path: Path) -> None:
    arrays = instance_arrays()
    src = write(tmp_path / "in.npz", **arrays)
    out = tmp_path / "out.csv"
    printed = run(src, "--out", out)

    rows = read_pairs(out)
    assert rows[0] == ["paper", "reviewer"]
    pairs = np.array(rows[1:], dtype=int)
    assert len(pairs) == 10 * 4
    affinity, area = arrays["affinity"], arrays["reviewer_area"]
    for paper in range(10):
        mine = pairs[pairs[:, 0] == paper, 1]
        assert sorted(area[mine]) == [0, 0, 1, 1]
    loads = np.bincount(pairs[:, 1], minlength=10)
    assert loads.min() >= 1
    assert loads.max() <= 5
    assert not ({(0, 0), (1, 7), (3, 2)} & {tuple(p) for p in pairs.tolist()})
    objective = float(affinity[pairs[:, 0], pairs[:, 1]].astype(np.float64).sum())
    assert f"objective: {objective:.6f}" in printed
    assert "proven optimal: yes" in printed
    assert "solve time: " in printed


def test_round_trip_through_save_instance(tmp_path: Path) -> None:
    arrays = instance_arrays(seed=3)
    problem = AssignmentProblem(
        affinity=arrays["affinity"],
        reviewer_area=arrays["reviewer_area"],
        max_load=np.array([4, 5, 6, 5, 5, 6, 5, 4, 5, 5]),
        conflicts=arrays["conflicts"],
        pinned=[(2, 3)],
        forbidden=[(4, 4)],
    )
    path = tmp_path / "saved.npz"
    save_instance(path, problem)
    again = load_instance(path)
    np.testing.assert_array_equal(again.max_loads, problem.max_loads)
    np.testing.assert_array_equal(again.pinned, [[2, 3]])
    np.testing.assert_array_equal(again.forbidden, [[4, 4]])
    out = tmp_path / "out.csv"
    run(path, "--out", out)
    pairs = {tuple(map(int, row)) for row in read_pairs(out)[1:]}
    assert (2, 3) in pairs
    assert (4, 4) not in pairs


def test_infeasible_instance_gives_the_reasons(tmp_path: Path) -> None:
    arrays = instance_arrays()
    arrays["conflicts"] = np.array([[4, r] for r in range(5, 9)], dtype=np.int32)  # paper 4 keeps ML reviewer 9
    src = write(tmp_path / "in.npz", **arrays)
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError) as caught:
        run(src, "--out", out)
    assert "paper 4: only 1 non-conflicted ML reviewer, needs 2" in str(caught.value)
    assert caught.value.returncode == 1
    assert not out.exists()


def test_infeasible_exit_status_and_stderr(tmp_path: Path) -> None:
    """Through manage.py: the reasons go to stderr and the exit status is 1."""
    arrays = instance_arrays()
    arrays["max_load"] = np.int32(3)  # 15 slots per area for 20 needed
    src = write(tmp_path / "in.npz", **arrays)
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "assign_instance", str(src), "--out", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Systems reviewers can take at most 15 assignments (maximum loads) but 20 are needed" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("paper,reviewer\n"), "not a NumPy .npz file"),
        (
            lambda p: np.save(p.with_suffix(".npy"), np.zeros(3)) or p.with_suffix(".npy").rename(p),
            "a single .npy array",
        ),
        (
            lambda p: write(p, **{k: v for k, v in instance_arrays().items() if k != "affinity"}),
            "missing array affinity",
        ),
        (
            lambda p: write(p, **{**instance_arrays(), "reviewer_area": np.zeros(4, dtype=np.int8)}),
            "reviewer_area must have one entry per reviewer (10)",
        ),
        (lambda p: write(p, **{**instance_arrays(), "affinity": np.zeros(10)}), "affinity must be a float"),
        (
            lambda p: write(p, **{**instance_arrays(), "conflicts": np.array([[0, 99]], dtype=np.int32)}),
            "conflicts: pair (paper 0, reviewer 99) is out of range",
        ),
        (
            lambda p: write(p, **{**instance_arrays(), "ml_per_paper": np.array([1.5])}),
            "ml_per_paper must be one integer",
        ),
    ],
    ids=["text", "npy", "no affinity", "area shape", "affinity shape", "conflict range", "float scalar"],
)
def test_bad_files_give_a_clear_error(tmp_path: Path, make: Any, message: str) -> None:
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(CommandError) as caught:
        run(path, "--out", tmp_path / "out.csv")
    text = str(caught.value)
    assert text.startswith("Not a valid instance: ")
    assert message in text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.npz", "--out", tmp_path / "out.csv")


def test_fair_option_reports_the_worst_paper(tmp_path: Path) -> None:
    src = write(tmp_path / "in.npz", **instance_arrays(seed=2))
    plain = run(src, "--out", tmp_path / "plain.csv")
    fair = run(src, "--out", tmp_path / "fair.csv", "--fair")
    problem = load_instance(src)
    worst = {}
    for name in ("plain", "fair"):
        pairs = np.array(read_pairs(tmp_path / f"{name}.csv")[1:], dtype=int)
        scores = problem.affinity[pairs[:, 0], pairs[:, 1]].astype(np.float64)
        worst[name] = np.bincount(pairs[:, 0], weights=scores).min()
    assert worst["fair"] >= worst["plain"] - 1e-9
    assert f"worst paper score: {worst['fair']:.6f}" in fair
    assert "worst paper score" not in plain
    assert "proven optimal: yes" in fair


def test_bids_count_only_with_a_bid_weight(tmp_path: Path) -> None:
    arrays = instance_arrays(seed=4)
    rng = np.random.default_rng(4)
    arrays["bids"] = rng.integers(-1, 3, arrays["affinity"].shape).astype(np.int8)
    src = write(tmp_path / "in.npz", **arrays)
    plain = run(src, "--out", tmp_path / "a.csv")
    weighted = run(src, "--out", tmp_path / "b.csv", "--bid-weight", "2")
    assert "affinity total" not in plain
    objective = float(weighted.split("objective: ")[1].split()[0])
    affinity_total = float(weighted.split("affinity total: ")[1].split()[0])
    pairs = np.array(read_pairs(tmp_path / "b.csv")[1:], dtype=int)
    bid_value = np.array([0.0, -1.0, 0.5, 1.0])[arrays["bids"][pairs[:, 0], pairs[:, 1]] + 1].sum()
    assert objective == pytest.approx(affinity_total + 2 * bid_value, abs=1e-5)


@pytest.mark.parametrize(
    ("name", "optimum"),
    [("midl_2plus2.npz", "206.5888"), ("midl_1plus2.npz", "190.4199"), ("preflib3_2plus2.npz", "518.5000")],
)
def test_shared_instances(tmp_path: Path, name: str, optimum: str) -> None:
    path = INSTANCES / name
    require_service(path.exists(), f"the shared assignment instance {path}")
    printed = run(path, "--out", tmp_path / "out.csv")
    assert f"objective: {optimum}" in printed
    assert "proven optimal: yes" in printed
