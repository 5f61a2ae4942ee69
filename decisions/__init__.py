"""Decisions: the chairs' dashboard, decision categories, decisions kept pending until the
chairs release them, tags and the discussion order of the PC meeting."""
