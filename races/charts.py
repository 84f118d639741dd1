"""Geometry for the championship progression chart, drawn as inline SVG.

The template draws what these functions measure: no JavaScript and no chart
library. Lines differ in dash pattern and marker shape as well as colour, and
each is labelled at its end, so the chart reads without colour and in print.
"""

import math
from dataclasses import dataclass

from .standings import ProgressionLine

WIDTH = 720
HEIGHT = 340
LEFT = 48  # room for the points axis
RIGHT = 200  # room for the line labels
TOP = 16
BOTTOM = 44  # room for the round labels
LABEL_GAP = 15  # minimum vertical distance between two line labels
MARKER_SIZE = 4.5
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]
NICE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500]


@dataclass
class Marker:
    x: float
    y: float
    points: int
    round_label: str
    path: str


@dataclass
class Series:
    label: str
    css_class: str  # series-1 … series-5: colour and dash pattern
    markers: list[Marker]
    label_y: float = 0.0

    @property
    def polyline(self) -> str:
        return " ".join(f"{m.x:.1f},{m.y:.1f}" for m in self.markers)

    @property
    def last(self) -> Marker:
        return self.markers[-1]

    @property
    def label_x(self) -> float:
        return self.last.x + 10

    @property
    def total(self) -> int:
        return self.last.points


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def nice_step(maximum: int, *, ticks: int = 5) -> int:
    """A round step that divides 0…maximum into at most `ticks` intervals."""
    for step in NICE_STEPS:
        if maximum / step <= ticks:
            return step
    return math.ceil(maximum / ticks)


# Marker outlines as offsets from the centre, in units of the marker size.
SHAPES = {
    "square": [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
    "triangle": [(0, -1.2), (1, 0.8), (-1, 0.8)],
    "diamond": [(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)],
    "cross": [
        (-0.4, -1), (0.4, -1), (0.4, -0.4), (1, -0.4), (1, 0.4), (0.4, 0.4),
        (0.4, 1), (-0.4, 1), (-0.4, 0.4), (-1, 0.4), (-1, -0.4), (-0.4, -0.4),
    ],
}  # fmt: skip


def marker_path(shape: str, x: float, y: float, size: float = MARKER_SIZE) -> str:
    """An SVG path of a marker centred on (x, y)."""
    if shape == "circle":
        return f"M{x - size:.1f},{y:.1f}a{size},{size} 0 1,0 {2 * size},0" + (
            f"a{size},{size} 0 1,0 {-2 * size},0Z"
        )
    corners = [f"{x + dx * size:.1f},{y + dy * size:.1f}" for dx, dy in SHAPES[shape]]
    return "M" + "L".join(corners) + "Z"


def spread_labels(series: list[Series], *, top: float, bottom: float) -> None:
    """Place each line's end label near its line without overlapping another."""
    ordered = sorted(series, key=lambda s: s.last.y)
    previous = None
    for item in ordered:
        wanted = item.last.y + 4
        item.label_y = wanted if previous is None else max(wanted, previous + LABEL_GAP)
        previous = item.label_y
    overflow = (ordered[-1].label_y if ordered else 0) - bottom
    if overflow > 0:
        for item in reversed(ordered):
            item.label_y = max(top + 10, item.label_y - overflow)
            overflow = max(0, overflow - LABEL_GAP)


def progression_chart(
    *, lines: list[ProgressionLine], round_labels: list[str]
) -> Chart:
    """The chart of cumulative points after each round, one series per line."""
    chart = Chart(series=[], x_ticks=[], y_ticks=[])
    rounds = len(round_labels)
    plot_width = chart.right - chart.left
    plot_height = chart.bottom - chart.top
    highest = max((max(line.points) for line in lines), default=0) or 1
    step = nice_step(highest)
    ceiling = step * math.ceil(highest / step)

    def x_of(index: int) -> float:
        if rounds == 1:
            return chart.left + plot_width / 2
        return chart.left + plot_width * index / (rounds - 1)

    def y_of(points: int) -> float:
        return chart.bottom - plot_height * points / ceiling

    chart.x_ticks = [Tick(x_of(i), label) for i, label in enumerate(round_labels)]
    chart.y_ticks = [
        Tick(y_of(value), str(value)) for value in range(0, ceiling + 1, step)
    ]
    for index, line in enumerate(lines):
        shape = MARKERS[index % len(MARKERS)]
        markers = [
            Marker(
                x=x_of(i),
                y=y_of(points),
                points=points,
                round_label=round_labels[i],
                path=marker_path(shape, x_of(i), y_of(points)),
            )
            for i, points in enumerate(line.points)
        ]
        chart.series.append(
            Series(
                label=line.label,
                css_class=f"series-{index % len(MARKERS) + 1}",
                markers=markers,
            )
        )
    spread_labels(chart.series, top=chart.top, bottom=chart.bottom)
    return chart
