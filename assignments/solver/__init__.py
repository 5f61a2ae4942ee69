"""Reviewer assignment for the programme committee: a pure numpy / OR-Tools / SciPy solver.

No Django here, so it can be imported, tested and benchmarked without a database::

    from assignments.solver import AssignmentProblem, Infeasible, solve

    problem = AssignmentProblem(affinity=aff, reviewer_area=area, max_load=12, conflicts=pairs)
    try:
        result = solve(problem)            # proven optimum of the total score
    except Infeasible as error:
        print(error.reasons)               # e.g. "paper 17: only 1 non-conflicted ML reviewer, needs 2"

See :mod:`assignments.solver.solver` for the method, :mod:`~assignments.solver.fairness`
for ``solve(problem, fair=True)`` and :mod:`~assignments.solver.instance` for ``.npz`` files.
"""

from __future__ import annotations

from assignments.solver.instance import InstanceError, load_instance, save_instance
from assignments.solver.problem import (
    AREA_NAMES,
    DEFAULT_BID_VALUES,
    ML,
    SYSTEMS,
    AssignmentProblem,
    AssignmentResult,
    Infeasible,
)
from assignments.solver.solver import solve

__all__ = [
    "AREA_NAMES",
    "DEFAULT_BID_VALUES",
    "ML",
    "SYSTEMS",
    "AssignmentProblem",
    "AssignmentResult",
    "Infeasible",
    "InstanceError",
    "load_instance",
    "save_instance",
    "solve",
]
