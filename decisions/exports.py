"""The chairs' export of the decision dashboard: one row per paper they manage, with its scores
(visible ones only, named as the chair may know the reviewers) and its decision, as CSV or JSON.
The same rows as the dashboard, so the same visibility rules."""

from __future__ import annotations

import csv
import io
from typing import Any

from decisions.dashboard import PaperRow

COLUMNS = (
    "number",
    "title",
    "area",
    "scores",
    "mean",
    "calibrated",
    "spread",
    "recommendation",
    "submitted_reviews",
    "assigned_reviewers",
    "tags",
    "decision",
    "decision_released",
    "discussion_position",
)


def export_record(row: PaperRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "title": row.title,
        "area": row.area,
        "scores": [{"reviewer": cell.reviewer, "score": cell.score} for cell in row.scores],
        "mean": row.mean,
        "calibrated": row.calibrated,
        "spread": row.spread,
        "recommendation": row.recommendations,
        "submitted_reviews": row.submitted,
        "assigned_reviewers": row.assigned,
        "tags": row.tags,
        "decision": row.decision,
        "decision_released": row.released if row.decision else None,
        "discussion_position": row.position,
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(f"{v['reviewer']}: {v['score']:g}" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def export_csv_text(rows: list[PaperRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        record = export_record(row)
        writer.writerow([_cell(record[column]) for column in COLUMNS])
    return out.getvalue()
