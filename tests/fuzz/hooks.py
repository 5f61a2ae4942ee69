"""Schemathesis hooks: steer the path parameters to the seeded data.

Made-up edition slugs and paper numbers only ever reach the 404 of the first lookup; the fuzzer
finds more when most requests name a real edition and paper. Half the time it keeps what it made
up, so the 404 paths stay covered too.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st

from tests.fuzz.world import EDITION_SLUGS, PAPERS

REAL_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "edition_slug": st.sampled_from(EDITION_SLUGS),
    "number": st.integers(min_value=1, max_value=PAPERS),
    "id": st.integers(min_value=1, max_value=30),
    "review_id": st.integers(min_value=1, max_value=30),
    "comment_id": st.integers(min_value=1, max_value=5),
    "round_id": st.integers(min_value=1, max_value=3),
    "batch_id": st.integers(min_value=1, max_value=3),
    "token_id": st.integers(min_value=1, max_value=3),
}


# What the fuzzer must not revoke from the users it acts as (filled in by the test from what
# tests.fuzz.world.seed_fuzz_world returns): their API tokens and their roles.
PROTECTED: dict[str, set[int]] = {"token_id": set(), "role_id": set()}


def _keeps_access(path: str, parameters: dict[str, Any]) -> bool:
    if path.startswith("/api/tokens/{token_id}"):
        return parameters.get("token_id") not in PROTECTED["token_id"]
    if "/roles/{id}" in path:
        return parameters.get("id") not in PROTECTED["role_id"]
    return True


@schemathesis.hook
def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: dict[str, Any]) -> Any:
    steered = {
        name: st.one_of(st.just(value), REAL_VALUES[name]) if name in REAL_VALUES else st.just(value)
        for name, value in (path_parameters or {}).items()
    }
    path = context.operation.path if context.operation is not None else ""
    return st.fixed_dictionaries(steered).filter(lambda parameters: _keeps_access(path, parameters))
