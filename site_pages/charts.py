"""Charts as inline SVG, drawn on the server: bar charts (one or more series side by side),
histograms and line charts. Pure functions of their data (no database, no request), each
returning the markup of one ``<svg>`` element with a ``<title>`` and ``<desc>`` for screen
readers, axis labels, and a "No data yet" figure when there is nothing to draw.

Every piece of text is escaped here, so the result may be marked safe. The strict CSP allows no
``style`` attribute: colours and fonts come from classes (``chart-*``, styled by
``site_pages/charts.css``) and SVG presentation attributes only.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 64  # the plot's margins: axis labels and ticks live in them
SERIES_CLASSES = 4  # chart-series-0 .. chart-series-3, then round again
MAX_X_LABELS = 12
NO_DATA = "No data yet"


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (bars) or per x position (lines)."""

    name: str
    values: Sequence[float]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    """A coordinate, short: no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top`` (about ``count`` steps; integers for counts)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if top >= 1 and step < 1:
        step = 1.0
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _open(ident: str, title: str, desc: str, classes: str = "") -> list[str]:
    ident = _e(ident)
    names = _e(f"chart {classes}".strip())
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{names}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" id="{ident}">',
        f'<title id="{ident}-title">{_e(title)}</title>',
        f'<desc id="{ident}-desc">{_e(desc)}</desc>',
        f'<text class="chart-title" x="{WIDTH / 2:g}" y="22" text-anchor="middle">{_e(title)}</text>',
    ]


def _empty(ident: str, title: str, desc: str) -> str:
    parts = _open(ident, title, desc, "chart-empty")
    parts.append(
        f'<text class="chart-empty-text" x="{WIDTH / 2:g}" y="{HEIGHT / 2:g}" text-anchor="middle">{NO_DATA}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _axes(parts: list[str], ticks: list[float], x_label: str, y_label: str) -> float:
    """The y grid and its labels, both axes and their names; returns the y scale's top value."""
    plot_h = HEIGHT - TOP - BOTTOM
    top = ticks[-1]
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_num(y)}" y2="{_num(y)}"/>')
        parts.append(
            f'<text class="chart-tick" x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end">{_e(_label(tick))}</text>'
        )
    bottom = TOP + plot_h
    parts.append(f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>')
    parts.append(f'<line class="chart-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}"/>')
    mid_x = LEFT + (WIDTH - LEFT - RIGHT) / 2
    parts.append(
        f'<text class="chart-axis-label" x="{_num(mid_x)}" y="{HEIGHT - 8}" text-anchor="middle">{_e(x_label)}</text>'
    )
    mid_y = TOP + plot_h / 2
    parts.append(
        f'<text class="chart-axis-label" x="16" y="{_num(mid_y)}" text-anchor="middle"'
        f' transform="rotate(-90 16 {_num(mid_y)})">{_e(y_label)}</text>'
    )
    return top


def _legend(parts: list[str], names: list[str]) -> None:
    if len(names) < 2:
        return
    x = LEFT + 8
    for i, name in enumerate(names):
        parts.append(
            f'<rect class="chart-series-{i % SERIES_CLASSES}" x="{x}" y="{TOP - 10}" width="10" height="10"/>'
            f'<text class="chart-legend" x="{x + 14}" y="{TOP - 1}">{_e(name)}</text>'
        )
        x += 24 + 7 * len(name)


def _x_label_every(count: int) -> int:
    return max(1, math.ceil(count / MAX_X_LABELS))


def bar_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_max: float | None = None,
    gap: float = 0.2,
) -> str:
    """Bars per category, the series side by side (a legend when there are several).
    ``y_max`` fixes the scale (100 for percentages); ``gap`` is the share of a category's width
    left empty (0 for a histogram's touching bins)."""
    values = [v for s in series for v in s.values]
    if not categories or not series or not any(values):
        return _empty(ident, title, desc)
    parts = _open(ident, title, desc)
    top = _axes(parts, nice_ticks(y_max if y_max is not None else max(values)), x_label, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(categories)
    bar_w = slot * (1 - gap) / len(series)
    every = _x_label_every(len(categories))
    for c, category in enumerate(categories):
        x0 = LEFT + slot * c + slot * gap / 2
        for s, row in enumerate(series):
            value = row.values[c] if c < len(row.values) else 0
            h = plot_h * min(value, top) / top
            x = x0 + bar_w * s
            parts.append(
                f'<rect class="chart-bar chart-series-{s % SERIES_CLASSES}" x="{_num(x)}" y="{_num(TOP + plot_h - h)}"'
                f' width="{_num(max(bar_w - (1 if gap else 0), 1))}" height="{_num(h)}">'
                f"<title>{_e(category)}, {_e(row.name)}: {_e(_label(value))}</title></rect>"
            )
        if c % every == 0:
            parts.append(
                f'<text class="chart-tick" x="{_num(LEFT + slot * (c + 0.5))}" y="{TOP + plot_h + 16}"'
                f' text-anchor="middle">{_e(category)}</text>'
            )
    _legend(parts, [s.name for s in series])
    parts.append("</svg>")
    return "".join(parts)


def histogram_bins(values: Iterable[float], *, width: float = 1, start: float | None = None) -> list[tuple[str, int]]:
    """The values counted in bins of ``width`` from ``start`` (the lowest value's bin), every bin
    up to the highest value's included, empty ones too: ``[("1", 3), ("2", 0), ...]`` for width 1
    and ``[("0-99", 4), ("100-199", 1)]`` for width 100 (integer data)."""
    data = [float(v) for v in values]
    if not data:
        return []
    first = start if start is not None else math.floor(min(data) / width) * width
    counts = Counter(math.floor((v - first) / width) for v in data if v >= first)
    last = max(counts) if counts else 0
    bins = []
    for i in range(last + 1):
        low = first + i * width
        name = _label(low) if width == 1 else f"{_label(low)}-{_label(low + width - 1)}"
        bins.append((name, counts.get(i, 0)))
    return bins


def histogram(
    *,
    ident: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    bins: Sequence[tuple[str, float]],
    series_name: str = "Count",
) -> str:
    """Counted bins (from :func:`histogram_bins`, or labelled levels) as touching bars."""
    return bar_chart(
        ident=ident,
        title=title,
        desc=desc,
        x_label=x_label,
        y_label=y_label,
        categories=[name for name, _ in bins],
        series=[Series(series_name, [count for _, count in bins])],
        gap=0.04,
    )


def line_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    markers: Sequence[tuple[int, str]] = (),
) -> str:
    """One line per series over evenly spaced x positions (days), named by ``x_labels`` (a few
    shown under the axis); ``markers`` are dashed vertical lines at an x index (deadlines)."""
    values = [v for s in series for v in s.values]
    if not x_labels or not series or not any(values):
        return _empty(ident, title, desc)
    parts = _open(ident, title, desc)
    top = _axes(parts, nice_ticks(max(values)), x_label, y_label)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(x_labels)

    def x_at(i: float) -> float:
        return LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return TOP + plot_h - plot_h * min(v, top) / top

    every = max(1, math.ceil(count / 5))
    for i in range(0, count, every):
        parts.append(
            f'<text class="chart-tick" x="{_num(x_at(i))}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            f"{_e(x_labels[i])}</text>"
        )
    for k, (index, name) in enumerate(m for m in markers if 0 <= m[0] < count):
        x = x_at(index)
        parts.append(  # the name inside the plot, left of its line, on alternate rows
            f'<line class="chart-marker" x1="{_num(x)}" x2="{_num(x)}" y1="{TOP}" y2="{TOP + plot_h}"/>'
            f'<text class="chart-marker-label" x="{_num(x - 4)}" y="{TOP + 12 + 13 * (k % 2)}" text-anchor="end">'
            f"{_e(name)}</text>"
        )
    for s, row in enumerate(series):
        points = " ".join(f"{_num(x_at(i))},{_num(y_at(v))}" for i, v in enumerate(row.values))
        parts.append(
            f'<polyline class="chart-line chart-series-{s % SERIES_CLASSES}" fill="none" points="{points}">'
            f"<title>{_e(row.name)}</title></polyline>"
        )
    _legend(parts, [s.name for s in series])
    parts.append("</svg>")
    return "".join(parts)
