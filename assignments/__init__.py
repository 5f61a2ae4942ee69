"""Assignments of papers to committee members, by kind (review, meta-review, artifact
evaluation): the solver (``assignments.solver``, pure numpy/OR-Tools/SciPy) and its runs,
drafts, manual changes and commit.

Layer: above ``bidding`` (it reads bids and affinities); below ``reviews``.
"""
