"""Geometry for the championship progression chart, drawn as inline SVG.

The template draws what these functions measure: no JavaScript and no chart
library. Lines differ in dash pattern and marker shape as well as colour, and
each is labelled at its end, so the chart reads without colour and in print.

The drawing is kept small, as four charts share the standings page: points
sit on whole units of the 720-wide drawing (invisible at any screen size),
each line is one short path, its marker shape is defined once for the page
(`marker_shapes`) and drawn by the browser at every point, and styles come
from site.css.
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


def number(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: 4.5, 9, -3.8."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


@dataclass
class Marker:
    """A point of a line: the total after one round."""

    x: int
    y: int
    points: int
    round_label: str


@dataclass
class Series:
    label: str
    # series-1 … series-5: colour, dash pattern and marker shape (site.css)
    css_class: str
    shape: str
    markers: list[Marker]
    label_y: int = 0

    @property
    def line_path(self) -> str:
        """The line through the points: 'M48 280l59-24l59-20…'. A line of
        one point is a dot of no length, so that its marker is drawn."""
        first, *rest = self.markers
        if not rest:
            return f"M{first.x} {first.y}h0"
        steps = [f"M{first.x} {first.y}"]
        previous = first
        for marker in rest:
            steps.append(f"l{marker.x - previous.x} {marker.y - previous.y}")
            previous = marker
        return "".join(steps).replace(" -", "-")

    @property
    def last(self) -> Marker:
        return self.markers[-1]

    @property
    def label_x(self) -> int:
        return self.last.x + 10

    @property
    def total(self) -> int:
        return self.last.points

    @property
    def end_label(self) -> str:
        """What the line is labelled with at its end: 'Lehto / Werner (183)'."""
        return f"{self.label} ({self.total})"


@dataclass
class Tick:
    position: int  # along its axis
    label: str
    # Where the label is written.
    x: int = 0
    y: int = 0


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

    @property
    def grid_path(self) -> str:
        """A horizontal line across the plot at each points tick."""
        return "".join(f"M{self.left} {t.position}H{self.right}" for t in self.y_ticks)

    @property
    def axis_title_y(self) -> int:
        return self.height - 4


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


def shape_outline(shape: str, size: float) -> tuple[float, float, str]:
    """A marker's first corner as an offset from its centre, and its outline
    from there in relative steps, rounded once so every marker is alike."""
    r = number(size)
    if shape == "circle":
        d = number(2 * size)
        return -size, 0, f"a{r} {r} 0 1 0 {d} 0a{r} {r} 0 1 0-{d} 0z"
    corners = [(round(dx * size, 1), round(dy * size, 1)) for dx, dy in SHAPES[shape]]
    steps = [
        f"l{number(x2 - x1)} {number(y2 - y1)}"
        for (x1, y1), (x2, y2) in zip(corners, corners[1:], strict=False)
    ]
    start_x, start_y = corners[0]
    return start_x, start_y, ("".join(steps) + "z").replace(" -", "-")


def marker_path(shape: str, x: float, y: float, size: float = MARKER_SIZE) -> str:
    """An SVG path of a marker centred on (x, y)."""
    dx, dy, outline = shape_outline(shape, size)
    return f"M{number(x + dx)} {number(y + dy)}{outline}"


@dataclass(frozen=True)
class MarkerShape:
    """The marker of every line drawn with `css_class`, centred on (0, 0)."""

    css_class: str
    path: str


def series_class(index: int) -> str:
    return f"series-{index % len(MARKERS) + 1}"


def marker_shapes() -> list[MarkerShape]:
    """The markers of the lines, to define once on a page with charts."""
    return [
        MarkerShape(series_class(index), marker_path(shape, 0, 0))
        for index, shape in enumerate(MARKERS)
    ]


def spread_labels(series: list[Series], *, top: int, bottom: int) -> None:
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

    def x_of(index: int) -> int:
        if rounds == 1:
            return round(chart.left + plot_width / 2)
        return round(chart.left + plot_width * index / (rounds - 1))

    def y_of(points: int) -> int:
        return round(chart.bottom - plot_height * points / ceiling)

    chart.x_ticks = [
        Tick(x_of(i), label, x=x_of(i), y=chart.bottom + 22)
        for i, label in enumerate(round_labels)
    ]
    # Points labels sit left of the plot, centred on their grid lines.
    chart.y_ticks = [
        Tick(y_of(value), str(value), x=chart.left - 8, y=y_of(value) + 4)
        for value in range(0, ceiling + 1, step)
    ]
    for index, line in enumerate(lines):
        markers = [
            Marker(x=x_of(i), y=y_of(points), points=points, round_label=label)
            for i, (points, label) in enumerate(
                zip(line.points, round_labels, strict=True)
            )
        ]
        chart.series.append(
            Series(
                label=line.label,
                css_class=series_class(index),
                shape=MARKERS[index % len(MARKERS)],
                markers=markers,
            )
        )
    spread_labels(chart.series, top=chart.top, bottom=chart.bottom)
    return chart
