"""Instance files: an assignment problem as a NumPy ``.npz`` archive.

Arrays (the format of ``manage.py assign_instance`` and of the shared instances):

=====================  ==================  ==========================================
``affinity``           float [papers, r]   required; higher is better
``reviewer_area``      int [r]             required; 0 = Systems, 1 = ML
``max_load``           int, scalar or [r]  required
``min_load``           int, scalar or [r]  default 0
``systems_per_paper``  int scalar          default 2
``ml_per_paper``       int scalar          default 2
``conflicts``          int [k, 2]          (paper, reviewer) rows; default none
``pinned``             int [k, 2]          pairs the chairs fixed; default none
``forbidden``          int [k, 2]          pairs the chairs ruled out; default none
``bids``               int8 [papers, r]    -1 none, 0 no, 1 maybe, 2 yes; default none
=====================  ==================  ==========================================

Bids are loaded but only change the score with a non-zero ``bid_weight`` (default 0, see
:mod:`assignments.solver.problem`): in the shared PrefLib instance the affinity already is
the bid divided by 4, and its known optimum (518.5) is an affinity total.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from assignments.solver.problem import AssignmentProblem

REQUIRED = ("affinity", "reviewer_area", "max_load")
PAIR_ARRAYS = ("conflicts", "pinned", "forbidden")
SCALARS = ("systems_per_paper", "ml_per_paper")


class InstanceError(ValueError):
    """The file is not a readable instance; the message says what is wrong."""


def _scalar(data: Any, name: str, default: int) -> int:
    if name not in data:
        return default
    value = np.asarray(data[name])
    if value.size != 1 or not np.issubdtype(value.dtype, np.integer):
        raise InstanceError(f"{name} must be one integer; got dtype {value.dtype}, shape {value.shape}")
    return int(value.reshape(()))


def _load_array(data: Any, name: str) -> np.ndarray:
    value = np.asarray(data[name])
    return value.reshape(()) if value.size == 1 and name in ("max_load", "min_load") and value.ndim <= 1 else value


def load_instance(path: str | Path, *, bid_weight: float = 0.0) -> AssignmentProblem:
    """Read an instance file; raise :class:`InstanceError` with a readable message if it is bad."""
    path = Path(path)
    if not path.is_file():
        raise InstanceError(f"{path}: no such file")
    with path.open("rb") as handle:
        magic = handle.read(6)
    if magic == b"\x93NUMPY":
        raise InstanceError(f"{path}: a single .npy array, not an .npz archive of named arrays")
    if not magic.startswith(b"PK"):
        raise InstanceError(f"{path}: not a NumPy .npz file (an .npz is a zip archive of named arrays)")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise InstanceError(f"{path}: not a NumPy .npz file ({error})") from error
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise InstanceError(f"{path}: a single .npy array, not an .npz archive of named arrays")
    with loaded as data:
        missing = [name for name in REQUIRED if name not in data.files]
        if missing:
            raise InstanceError(f"{path}: missing array{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        try:
            arrays = {name: _load_array(data, name) for name in data.files}
            affinity = arrays["affinity"]
            if affinity.ndim != 2 or not np.issubdtype(affinity.dtype, np.floating):
                raise InstanceError(
                    f"affinity must be a float [papers, reviewers] matrix; got {affinity.dtype} {affinity.shape}"
                )
            for name in PAIR_ARRAYS:
                if name in arrays and arrays[name].size and not np.issubdtype(arrays[name].dtype, np.integer):
                    raise InstanceError(f"{name} must hold integer (paper, reviewer) rows; got {arrays[name].dtype}")
            return AssignmentProblem(
                affinity=affinity,
                reviewer_area=arrays["reviewer_area"],
                max_load=arrays["max_load"],
                min_load=arrays.get("min_load", 0),
                systems_per_paper=_scalar(data, "systems_per_paper", 2),
                ml_per_paper=_scalar(data, "ml_per_paper", 2),
                conflicts=arrays.get("conflicts"),
                pinned=arrays.get("pinned"),
                forbidden=arrays.get("forbidden"),
                bids=arrays.get("bids"),
                bid_weight=bid_weight,
            )
        except InstanceError as error:
            raise InstanceError(f"{path}: {error}") from error
        except (ValueError, zipfile.BadZipFile, OSError) as error:
            raise InstanceError(f"{path}: {error}") from error


def save_instance(path: str | Path, problem: AssignmentProblem) -> None:
    """Write ``problem`` in the instance format (bid weight and bid values are not stored)."""
    arrays: dict[str, Any] = {
        "affinity": problem.affinity,
        "reviewer_area": problem.reviewer_area.astype(np.int8),
        "systems_per_paper": np.int32(problem.systems_per_paper),
        "ml_per_paper": np.int32(problem.ml_per_paper),
        "max_load": problem.max_loads.astype(np.int32),
        "min_load": problem.min_loads.astype(np.int32),
    }
    for name in PAIR_ARRAYS:
        value = getattr(problem, name)
        if value is not None and value.size:
            arrays[name] = value.astype(np.int32)
    arrays.setdefault("conflicts", np.zeros((0, 2), dtype=np.int32))
    if problem.bids is not None:
        arrays["bids"] = problem.bids.astype(np.int8)
    np.savez_compressed(path, **arrays)
