"""Who may build, publish and read the program.

- The builder (rooms, sessions, papers placed in them, conflicts, publishing, the versions'
  change logs) is the PC chairs' (any of them: a chair conflicted with a paper still places it,
  the authors of accepted papers are no secret to the chairs).
- The public program's rules follow the builder's section.
"""

from __future__ import annotations

from typing import Any

from conferences.access import is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in

# --- builder ---------------------------------------------------------------------------------


@rule
def can_build_program(user: Any, edition: Edition) -> Verdict:
    """The program builder: rooms, sessions, placing papers, publishing, the change logs."""
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs build the program.")


# --- end of the builder's rules; the public program's rules follow ---------------------------
