"""The server-drawn charts (site_pages.charts): well-formed SVG, hostile labels escaped, an empty
figure that says so, and the helpers' arithmetic. No database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from site_pages import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(\"x\")</script> & 'quoted' ]]>"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output, parsed to prove it well-formed)
    assert root.tag == f"{SVG}svg"
    assert not any("style" in element.attrib for element in root.iter())  # the CSP allows none
    assert not any(element.tag in (f"{SVG}script", f"{SVG}style") for element in root.iter())
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def bars(**kwargs: object) -> str:
    arguments: dict[str, object] = {
        "ident": "c",
        "title": "Submissions by Area",
        "desc": "Papers by area.",
        "x_label": "Area",
        "y_label": "Papers",
        "categories": ["Systems", "ML"],
        "series": [charts.Series("Registered", [3, 5]), charts.Series("With a PDF", [2, 4])],
    }
    return charts.bar_chart(**{**arguments, **kwargs})  # type: ignore[arg-type]


def test_a_bar_chart_has_its_title_description_axes_and_one_bar_per_value() -> None:
    root = parse(bars())
    assert root.find(f"{SVG}title").text == "Submissions by Area"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Papers by area."  # type: ignore[union-attr]
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    shown = texts(root)
    assert {"Area", "Papers", "Systems", "ML", "Registered", "With a PDF"} <= set(shown)
    rects = [r for r in root.iter(f"{SVG}rect") if "chart-bar" in (r.get("class") or "")]
    assert len(rects) == 4
    heights = [float(r.get("height", "0")) for r in rects]
    # In order: Systems (registered 3, with a PDF 2), then ML (5, 4), on one scale.
    assert heights[2] > heights[3] > heights[0] > heights[1]
    assert heights[2] / heights[0] == pytest.approx(5 / 3)
    assert [r.find(f"{SVG}title").text for r in rects][1] == "Systems, With a PDF: 2"  # type: ignore[union-attr]


def test_hostile_labels_are_escaped_everywhere() -> None:
    svg = bars(
        ident='x" onload="alert(1)',
        title=HOSTILE,
        desc=HOSTILE,
        x_label=HOSTILE,
        y_label=HOSTILE,
        categories=[HOSTILE, "ML"],
        series=[charts.Series(HOSTILE, [1, 2]), charts.Series("B", [1, 1])],
    )
    assert "<script" not in svg
    assert 'onload="' not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]
    assert root.get("id") == 'x" onload="alert(1)'  # an attribute value, not an attribute
    assert "onload" not in root.attrib
    assert HOSTILE in texts(root)
    line = charts.line_chart(
        ident="l",
        title=HOSTILE,
        desc=HOSTILE,
        x_label=HOSTILE,
        y_label="Papers",
        x_labels=[HOSTILE, "b"],
        series=[charts.Series(HOSTILE, [0, 1])],
        markers=[(1, HOSTILE)],
    )
    assert "<script" not in line
    assert texts(parse(line)).count(HOSTILE) >= 3  # the axis, a tick and the marker


@pytest.mark.parametrize(
    "svg",
    [
        bars(series=[charts.Series("Registered", [0, 0])]),
        bars(categories=[]),
        charts.histogram(ident="h", title="Review Length", desc="d", x_label="Words", y_label="Reviews", bins=[]),
        charts.line_chart(
            ident="l", title="Over Time", desc="d", x_label="Day", y_label="Papers", x_labels=[], series=[]
        ),
    ],
)
def test_empty_data_renders_a_no_data_yet_figure(svg: str) -> None:
    root = parse(svg)
    assert "chart-empty" in (root.get("class") or "")
    assert charts.NO_DATA in texts(root)
    assert root.find(f"{SVG}title") is not None
    assert not list(root.iter(f"{SVG}polyline"))
    assert not [r for r in root.iter(f"{SVG}rect") if "chart-bar" in (r.get("class") or "")]


def test_a_line_chart_draws_each_series_and_marks_the_deadline() -> None:
    root = parse(
        charts.line_chart(
            ident="l",
            title="Submissions over Time",
            desc="d",
            x_label="Day",
            y_label="Papers",
            x_labels=["d1", "d2", "d3"],
            series=[charts.Series("Registered", [1, 2, 4]), charts.Series("With a PDF", [0, 1, 3])],
            markers=[(2, "Paper submission")],
        )
    )
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    points = [tuple(map(float, p.split(","))) for p in (lines[0].get("points") or "").split()]
    assert len(points) == 3
    assert points[0][1] > points[1][1] > points[2][1]  # rising: y grows downwards
    markers = [line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-marker"]
    assert len(markers) == 1
    assert markers[0].get("x1") == str(points[2][0]).rstrip("0").rstrip(".")
    assert "Paper submission" in texts(root)


def test_histogram_bins_count_every_bin_empty_ones_included() -> None:
    assert charts.histogram_bins([]) == []
    assert charts.histogram_bins([1, 3, 3]) == [("1", 1), ("2", 0), ("3", 2)]
    assert charts.histogram_bins([5, 120, 99, 250], width=100, start=0) == [("0-99", 2), ("100-199", 1), ("200-299", 1)]


def test_ticks_are_round_and_reach_the_top() -> None:
    assert charts.nice_ticks(4) == [0, 1, 2, 3, 4]
    assert charts.nice_ticks(7)[-1] >= 7
    assert charts.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0) == [0, 1]
