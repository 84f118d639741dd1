from races import charts
from races.models import Driver
from races.standings import ProgressionLine, RoundResult, Standing


def line(name: str, rounds: list[int]) -> ProgressionLine:
    """A progression line of one made-up driver (no database needed)."""
    driver = Driver(first_name="Test", last_name=name)
    results = [RoundResult(points=p, is_known=True) for p in rounds]
    return ProgressionLine(standings=[Standing(competitor=driver, rounds=results)])


def test_nice_step_keeps_five_intervals_or_fewer():
    assert charts.nice_step(183) == 50
    assert charts.nice_step(20) == 5
    assert charts.nice_step(9) == 2


def test_chart_puts_the_leader_highest_and_the_axis_at_zero():
    chart = charts.progression_chart(
        lines=[line("Lehto", [20, 20]), line("Dyson", [16, 0])],
        round_labels=["R1", "R2"],
    )
    lehto, dyson = chart.series
    assert lehto.last.y < dyson.last.y
    assert chart.y_ticks[0].label == "0"
    assert chart.y_ticks[0].position == chart.bottom
    assert [tick.label for tick in chart.x_ticks] == ["R1", "R2"]


def test_each_line_has_its_own_marker_and_dash_class():
    chart = charts.progression_chart(
        lines=[line(str(i), [10]) for i in range(5)], round_labels=["R1"]
    )
    assert len({s.css_class for s in chart.series}) == 5
    assert len({s.shape for s in chart.series}) == 5
    # The page defines one marker per line class, each of its own shape.
    markers = {marker.css_class: marker.path for marker in charts.marker_shapes()}
    assert set(markers) == {s.css_class for s in chart.series}
    assert len(set(markers.values())) == 5


def test_end_labels_of_lines_that_finish_together_do_not_overlap():
    chart = charts.progression_chart(
        lines=[line("A", [50]), line("B", [49]), line("C", [48])],
        round_labels=["R1"],
    )
    ys = sorted(s.label_y for s in chart.series)
    assert all(b - a >= charts.LABEL_GAP for a, b in zip(ys, ys[1:], strict=False))
