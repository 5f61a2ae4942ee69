"""The figures of the chairs' statistics page (and of its API twin): submissions over time and by
area, score distributions, acceptance rate by area, reviewer load, review completion over time
and review length, read in a fixed number of queries whatever the size of the edition.

Submission counts cover every paper. Everything else (scores, lengths, completion, reviewer load,
decisions) covers only the papers whose reviews the viewing chair may see
(:func:`reviews.visibility.sees_reviews`), so a chair conflicted with a paper learns nothing of
its reviews, reviewers or decision here; reviews count only where
:func:`reviews.visibility.can_view_review` allows, as in :mod:`reviews.statistics`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.utils.safestring import SafeString, mark_safe

from assignments.models import Assignment, AssignmentKind
from conferences.access import access_of
from conferences.models import Area, Edition, Phase, Role, Topic
from conferences.phases import DAY_FORMAT
from conferences.roles import RoleKind
from conferences.selectors import edition_timeline
from reviews import calibration
from reviews.models import FieldType, FormKind, ReviewRound
from reviews.selectors import form_fields, papers_reviews, round_closes_at
from reviews.statistics import words
from reviews.visibility import can_view_review, sees_reviews
from site_pages import charts
from submissions.models import FileKind, Submission, SubmissionFile, SubmissionState

NO_AREA = "No area"
AREA_NAMES = {**dict(Area.choices), "": NO_AREA}
LENGTH_BIN = 100  # words per bin of the review length histogram
SUBMISSION_DEADLINES = (Phase.ABSTRACT_REGISTRATION, Phase.PAPER_SUBMISSION)


@dataclass(frozen=True)
class DayCount:
    day: date
    values: dict[str, int]  # cumulative, by series name


@dataclass(frozen=True)
class Marker:
    name: str
    day: date


@dataclass(frozen=True)
class Timeline:
    """Cumulative counts per day (every day from the first to the last, deadlines included)."""

    series: list[str]
    days: list[DayCount]
    markers: list[Marker]


@dataclass(frozen=True)
class Bar:
    label: str
    values: dict[str, float]  # by series name


@dataclass(frozen=True)
class Bars:
    series: list[str]
    bars: list[Bar]


@dataclass(frozen=True)
class AreaRate:
    area: str
    accepted: int
    rejected: int
    rate: float | None  # percent of the decided papers accepted


@dataclass(frozen=True)
class EditionStatistics:
    submissions_over_time: Timeline
    submissions_by_area: Bars
    score_field: str | None
    score_label: str
    scores: Bars  # one bar per score level; series "All reviews" and one per reviewer area
    acceptance: list[AreaRate]
    reviewer_load: Bars  # papers assigned -> how many reviewers
    completion: Timeline
    review_length: Bars  # words (bins of LENGTH_BIN) -> reviews
    conflicted_papers: int  # how many papers the viewer's figures leave out


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _timeline(events: dict[str, list[date]], markers: list[Marker]) -> Timeline:
    """Each series' events counted up day by day, from the first event (or marker) to the last."""
    moments = [d for days in events.values() for d in days]
    if not moments:
        return Timeline(list(events), [], [])
    first, last = min(moments), max(moments + [m.day for m in markers])
    per_day = {name: Counter(days) for name, days in events.items()}
    totals = dict.fromkeys(events, 0)
    days = []
    current = first
    while current <= last:
        for name in events:
            totals[name] += per_day[name].get(current, 0)
        days.append(DayCount(current, dict(totals)))
        current += timedelta(days=1)
    return Timeline(list(events), days, [m for m in markers if first <= m.day <= last])


def edition_statistics(by: Any, edition: Edition) -> EditionStatistics:
    """The figures of ``edition`` as the chair ``by`` may see them."""
    zone = edition.zone
    access = access_of(by, edition)

    # Submissions: every paper (counts reveal nothing of reviews).
    everything = list(Submission.objects.filter(edition=edition).select_related("edition").order_by("number"))
    first_pdf = dict(
        SubmissionFile.objects.filter(submission__edition=edition, kind=FileKind.PAPER, is_accepted=True)
        .values("submission_id")
        .annotate(first=Min("uploaded_at"))
        .values_list("submission_id", "first")
    )
    timeline = edition_timeline(edition)
    deadline_markers = []
    for phase in SUBMISSION_DEADLINES:
        window = timeline.window(phase)
        if window:
            deadline_markers.append(Marker(str(phase.label), _day(window.announced_close, zone)))
    over_time = _timeline(
        {
            "Registered": [_day(p.created_at, zone) for p in everything],
            "With a PDF": [_day(first_pdf[p.pk], zone) for p in everything if p.pk in first_pdf],
        },
        deadline_markers,
    )
    active = [p for p in everything if p.is_active]
    registered = Counter(p.topic for p in active)
    with_pdf = Counter(p.topic for p in active if p.state != SubmissionState.ABSTRACT)
    by_area = Bars(
        ["Registered", "With a PDF"],
        [Bar(str(label), {"Registered": registered[v], "With a PDF": with_pdf[v]}) for v, label in Topic.choices],
    )

    # Reviews: only the papers the viewer sees the reviews of.
    fields = form_fields(edition, FormKind.REVIEW, with_retired=True)
    score_key = calibration.merit_key(fields)
    score_field = next((f for f in fields if f.key == score_key), None)
    text_keys = [f.key for f in fields if f.type == FieldType.TEXT]
    # The score and the texts (for their length) only: not the other answers.
    facts = papers_reviews(active, answer_keys=[key for key in (score_key, *text_keys) if key])
    shown = [paper for paper in facts.values() if sees_reviews(access, paper)]
    shown_ids = {paper.submission.pk for paper in shown}

    reviews = [
        review
        for paper in shown
        for review in paper.submitted
        if not review.is_meta and can_view_review(access, paper, review)
    ]
    areas_of = {paper.submission.pk: paper.reviewers for paper in shown}

    levels = [value for value, _ in score_field.levels] if score_field else []
    level_names = {value: str(label) for value, label in (score_field.levels if score_field else [])}
    score_counts: defaultdict[str, Counter[Any]] = defaultdict(Counter)
    for review in reviews:
        value = review.answers.get(score_key) if score_key else None
        if value is None or isinstance(value, bool):
            continue
        area = review.area or areas_of.get(review.submission_id, {}).get(review.reviewer_id, "")
        score_counts["All reviews"][value] += 1
        score_counts[AREA_NAMES.get(area, area)][value] += 1
    levels += sorted({v for c in score_counts.values() for v in c} - set(levels), key=str)
    area_series = [name for name in [*(str(label) for _, label in Area.choices), NO_AREA] if name in score_counts]
    score_series = ["All reviews", *area_series]
    scores = Bars(
        score_series,
        [
            Bar(
                f"{value} ({level_names[value]})" if value in level_names else str(value),
                {name: score_counts[name][value] for name in score_series},
            )
            for value in levels
        ],
    )

    # Decisions (pending ones too: the chairs may see them), without the papers hidden from the viewer.
    decided = Counter((p.submission.topic, p.submission.state) for p in shown)
    acceptance = []
    for value, label in Topic.choices:
        accepted, rejected = decided[(value, SubmissionState.ACCEPTED)], decided[(value, SubmissionState.REJECTED)]
        rate = round(100 * accepted / (accepted + rejected), 1) if accepted + rejected else None
        acceptance.append(AreaRate(str(label), accepted, rejected, rate))

    # Reviewer load and completion: the committed review assignments of the papers shown.
    assignments = list(
        Assignment.objects.filter(
            submission_id__in=shown_ids, is_committed=True, kind=AssignmentKind.REVIEW
        ).values_list("user_id", "committed_at", "created_at")
    )
    load = Counter(user_id for user_id, _, _ in assignments)
    members = set(
        Role.objects.filter(edition=edition, kind__in=RoleKind.where("bids")).values_list("user_id", flat=True)
    )
    per_member = Counter(load.get(user_id, 0) for user_id in members | set(load))
    reviewer_load = Bars(
        ["Reviewers"],
        [Bar(str(n), {"Reviewers": per_member.get(n, 0)}) for n in range(max(per_member, default=-1) + 1)],
    )
    round_markers = []
    for review_round in ReviewRound.objects.filter(edition=edition).select_related("edition").order_by("position"):
        closes_at = round_closes_at(review_round)
        if closes_at is not None:
            round_markers.append(Marker(f"{review_round.name} deadline", _day(closes_at, zone)))
    completion = _timeline(
        {
            "Assigned": [_day(committed or created, zone) for _, committed, created in assignments],
            "Submitted": [_day(r.submitted_at, zone) for r in reviews if r.submitted_at],
        },
        round_markers,
    )

    lengths = [sum(words(review.answers.get(key)) for key in text_keys) for review in reviews]
    length_bins = charts.histogram_bins(lengths, width=LENGTH_BIN, start=0)
    review_length = Bars(["Reviews"], [Bar(name, {"Reviews": count}) for name, count in length_bins])

    return EditionStatistics(
        submissions_over_time=over_time,
        submissions_by_area=by_area,
        score_field=score_key,
        score_label=str(score_field.label) if score_field else "Score",
        scores=scores,
        acceptance=acceptance,
        reviewer_load=reviewer_load,
        completion=completion,
        review_length=review_length,
        conflicted_papers=sum(1 for p in active if access.is_conflicted(p)),
    )


# --- Figures: a chart and the same numbers as a table ---------------------------------------


@dataclass(frozen=True)
class Figure:
    ident: str
    title: str
    note: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _bars_figure(
    ident: str, title: str, note: str, data: Bars, x_label: str, y_label: str, *, histogram: bool = False
) -> Figure:
    categories = [bar.label for bar in data.bars]
    series = [charts.Series(name, [bar.values[name] for bar in data.bars]) for name in data.series]
    desc = f"{title}: {y_label.lower()} by {x_label.lower()}."
    svg = (
        charts.histogram(
            ident=ident,
            title=title,
            desc=desc,
            x_label=x_label,
            y_label=y_label,
            bins=[(bar.label, bar.values[data.series[0]]) for bar in data.bars],
            series_name=data.series[0],
        )
        if histogram
        else charts.bar_chart(
            ident=ident, title=title, desc=desc, x_label=x_label, y_label=y_label, categories=categories, series=series
        )
    )
    rows = [[bar.label, *(_fmt(bar.values[name]) for name in data.series)] for bar in data.bars]
    return Figure(ident, title, note, mark_safe(svg), [x_label, *data.series], rows)  # noqa: S308 (escaped in charts)  # nosec B703 B308


def _timeline_figure(ident: str, title: str, note: str, data: Timeline, y_label: str) -> Figure:
    labels = [d.day.strftime(DAY_FORMAT) for d in data.days]
    index = {d.day: i for i, d in enumerate(data.days)}
    markers = [(index[m.day], m.name) for m in data.markers if m.day in index]
    svg = charts.line_chart(
        ident=ident,
        title=title,
        desc=f"{title}: {', '.join(data.series).lower()} counted up day by day.",
        x_label="Day",
        y_label=y_label,
        x_labels=labels,
        series=[charts.Series(name, [d.values[name] for d in data.days]) for name in data.series],
        markers=markers,
    )
    marked = defaultdict(list)
    for m in data.markers:
        marked[m.day].append(m.name)
    rows = []
    previous: dict[str, int] | None = None
    for d in data.days:  # the days on which something changed, and the deadlines
        if d.values != previous or d.day in marked:
            rows.append(
                [d.day.strftime(DAY_FORMAT), *(str(d.values[n]) for n in data.series), ", ".join(marked[d.day])]
            )
        previous = d.values
    return Figure(ident, title, note, mark_safe(svg), ["Day", *data.series, "Deadline"], rows)  # noqa: S308 (escaped in charts)  # nosec B703 B308


def figures(stats: EditionStatistics) -> list[Figure]:
    """The page's figures, in its order."""
    title = "Acceptance Rate by Area"
    acceptance = Figure(
        "chart-acceptance",
        title,
        "Accepted among the accepted and rejected papers, pending decisions included.",
        mark_safe(  # noqa: S308 (escaped in charts)  # nosec B703 B308
            charts.bar_chart(
                ident="chart-acceptance",
                title=title,
                desc="Acceptance rate by area: the percentage of decided papers accepted.",
                x_label="Area",
                y_label="Accepted (%)",
                categories=[a.area for a in stats.acceptance],
                series=[charts.Series("Acceptance rate (%)", [a.rate or 0 for a in stats.acceptance])],
                y_max=100,
            )
        ),
        ["Area", "Accepted", "Rejected", "Acceptance rate (%)"],
        [[a.area, str(a.accepted), str(a.rejected), _fmt(a.rate)] for a in stats.acceptance],
    )
    return [
        _timeline_figure(
            "chart-submissions-over-time",
            "Submissions over Time",
            "Registered papers and papers with a PDF that passed the checks, counted up per day; the dashed lines "
            "are the deadlines.",
            stats.submissions_over_time,
            "Papers",
        ),
        _bars_figure(
            "chart-submissions-by-area",
            "Submissions by Area",
            "Papers in the running (not withdrawn or desk rejected), by topic.",
            stats.submissions_by_area,
            "Area",
            "Papers",
        ),
        _bars_figure(
            "chart-scores",
            f"Score Distribution ({stats.score_label})",
            "Submitted reviews by score, overall and by the reviewer's area.",
            stats.scores,
            "Score",
            "Reviews",
        ),
        acceptance,
        _bars_figure(
            "chart-reviewer-load",
            "Reviewer Load",
            "How many reviewers have each number of papers to review (committed assignments).",
            stats.reviewer_load,
            "Papers assigned",
            "Reviewers",
            histogram=True,
        ),
        _timeline_figure(
            "chart-completion",
            "Review Completion over Time",
            "Review assignments and submitted reviews, counted up per day; the dashed lines are the round deadlines.",
            stats.completion,
            "Reviews",
        ),
        _bars_figure(
            "chart-review-length",
            "Review Length",
            f"Submitted reviews by the words of their text answers, in bins of {LENGTH_BIN}.",
            stats.review_length,
            "Words",
            "Reviews",
            histogram=True,
        ),
    ]


def as_data(stats: EditionStatistics) -> dict[str, Any]:
    """The figures as plain data, for the API."""

    def timeline(data: Timeline) -> dict[str, Any]:
        return {
            "series": data.series,
            "days": [{"day": d.day, "values": d.values} for d in data.days],
            "markers": [{"name": m.name, "day": m.day} for m in data.markers],
        }

    def bars(data: Bars) -> dict[str, Any]:
        return {"series": data.series, "bars": [{"label": b.label, "values": b.values} for b in data.bars]}

    return {
        "submissions_over_time": timeline(stats.submissions_over_time),
        "submissions_by_area": bars(stats.submissions_by_area),
        "score_field": stats.score_field,
        "scores": bars(stats.scores),
        "acceptance": [vars(a) for a in stats.acceptance],
        "reviewer_load": bars(stats.reviewer_load),
        "completion": timeline(stats.completion),
        "review_length": bars(stats.review_length),
        "conflicted_papers": stats.conflicted_papers,
    }
