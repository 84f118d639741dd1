"""The markup built in Python for the busiest pages: links, badges, crews,
footnotes, standings rows and the race page's results rows. Each piece is
plain HTML with every value escaped."""

import re
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from races import charts, html, results
from races.citations import Reference
from races.models import Driver, Source
from races.standings import ProgressionLine, RoundResult, Standing
from races.tables import (
    UNKNOWN,
    ClassificationData,
    ResultsTable,
    link_or_unknown,
    text_or_unknown,
)

from .factories import make_classified_race

HOSTILE = '<b>"Tom\'s" & co</b>'
ESCAPED = "&lt;b&gt;&quot;Tom&#x27;s&quot; &amp; co&lt;/b&gt;"


def page(url: str, text: str = "Name"):
    """Something with a page and a name, as a driver, team or car."""
    return SimpleNamespace(get_absolute_url=lambda: url, full_name=text, text=text)


def test_link_escapes_address_and_text():
    assert html.link('/a"b/', HOSTILE) == f'<a href="/a&quot;b/">{ESCAPED}</a>'


def test_class_badge_escapes_the_code():
    badge = html.class_badge(SimpleNamespace(code="GT<"))
    assert badge == '<span class="class-badge class-gt&lt;">GT&lt;</span>'


def test_driver_links_are_separated_by_slashes():
    drivers = [page("/drivers/a/", "Ann A"), page("/drivers/b/", HOSTILE)]
    assert html.driver_links(drivers) == (
        f'<a href="/drivers/a/">Ann A</a> / <a href="/drivers/b/">{ESCAPED}</a>'
    )


def test_crew_links_say_plainly_that_no_driver_is_known():
    assert html.crew_links([]) == '<span class="not-known">drivers not known</span>'


def test_references_read_in_number_order_and_name_their_source():
    source = type("Source", (), {"anchor": "source-x", "__str__": lambda s: HOSTILE})()
    refs = [Reference(4, source), Reference(1, source)]
    assert html.references(refs) == (
        f'<a class="ref" href="#source-x" aria-label="source 1: {ESCAPED}">[1]</a>'
        f'<a class="ref" href="#source-x" aria-label="source 4: {ESCAPED}">[4]</a>'
    )


def race_heading(number: int, *, is_complete: bool):
    return SimpleNamespace(
        round_number=number,
        short_name=HOSTILE,
        is_complete=is_complete,
        get_absolute_url=lambda: f"/r{number}/",
    )


def test_round_headings_link_each_round_and_mark_the_partial_ones():
    races = [race_heading(1, is_complete=True), race_heading(2, is_complete=False)]
    assert html.round_headings(races) == (
        f'<th scope="col" class="round"><a href="/r1/"><b>R1</b> {ESCAPED}</a></th>'
        '<th scope="col" class="round partial"><a href="/r2/"><b>R2</b> '
        f"{ESCAPED}</a></th>"
    )


def test_round_names_head_a_chart_table():
    races = [race_heading(3, is_complete=True)]
    assert html.round_names(races) == (
        f'<th scope="col" class="num round">R3 {ESCAPED}</th>'
    )


def test_standing_cells_link_the_competitor_escaped():
    competitor = type(
        "Team", (), {"get_absolute_url": lambda s: "/t/", "__str__": lambda s: HOSTILE}
    )()
    result = SimpleNamespace(is_known=True, is_verified=False, points=13)
    standing = SimpleNamespace(
        position=2, is_tied=True, competitor=competitor, total=29, rounds=[None, result]
    )
    assert html.standing_cells(standing) == (
        f'<td class="tied">2=<th scope="row"><a href="/t/">{ESCAPED}</a>'
        '<td class="total">29<td><td class="unverified">13*'
    )


def test_standing_rows_are_one_a_line_with_the_leaders_marked():
    competitor = type(
        "Team", (), {"get_absolute_url": lambda s: "/t/", "__str__": lambda s: "T"}
    )()
    leader, other = (
        SimpleNamespace(
            position=position,
            is_tied=False,
            competitor=competitor,
            total=total,
            rounds=[],
            is_leader=position == 1,
        )
        for position, total in ((1, 20), (2, 16))
    )
    assert html.standing_rows([leader, other]) == (
        '<tr class="leader"><td>1<th scope="row"><a href="/t/">T</a>'
        '<td class="total">20</tr>\n'
        '<tr><td>2<th scope="row"><a href="/t/">T</a><td class="total">16</tr>'
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, UNKNOWN), ("", UNKNOWN), (0, "0"), (12, "12"), ("<7>", "&lt;7&gt;")],
)
def test_text_or_unknown_dashes_only_what_is_missing(value, shown):
    assert text_or_unknown(value) == shown


def test_link_or_unknown_dashes_a_missing_team():
    assert link_or_unknown(None) == UNKNOWN
    team = type("Team", (), {"get_absolute_url": lambda s: "/t/", "__str__": str})
    assert link_or_unknown(team()) == '<a href="/t/"></a>'


@pytest.fixture
def race_rows(db):
    race = make_classified_race()
    return race, results.scored_classification(race)


def screen_table(rows, query: str = "") -> ResultsTable:
    table = ResultsTable(ClassificationData(rows))
    request = RequestFactory().get(f"/?{query}")
    RequestConfig(request, paginate=False).configure(table)
    return table


def cells_of(row: str) -> list[str]:
    """The cells of one row of markup, tags and all."""
    return re.findall(r"<t[hd][ >].*?</t[hd]>", row.split(">", 1)[1])


def test_results_rows_are_one_line_each_headed_by_position(race_rows):
    race, rows = race_rows
    body = screen_table(rows).body_rows()
    assert len(body) == len(rows)
    assert all("\n" not in row for row in body)
    assert body[0].startswith('<tr id="car-7" class="class-winner"><th scope="row"')
    assert body[1].startswith('<tr id="car-8"><th scope="row" class="num">2</th>')


def test_results_row_has_a_cell_per_column_with_its_attributes(race_rows):
    race, rows = race_rows
    table = screen_table(rows)
    cells = cells_of(table.body_rows()[1])
    assert len(cells) == len(table.columns)
    assert cells[1] == '<td><span class="class-badge class-lmp1">LMP1</span></td>'
    assert cells[2] == '<td class="num">2</td>'
    assert cells[3] == '<td class="num">16</td>'
    assert cells[10] == '<td class="num">+1 lap</td>'
    assert cells[11] == f'<td class="gap-cell num">{UNKNOWN}</td>'


def test_results_cells_dash_what_is_not_known(race_rows):
    race, rows = race_rows
    non_starter = next(row for row in rows if row.entry.slug == "non-starter")
    non_starter.entry.team = None
    non_starter.entry.car_model = None
    cells = cells_of(screen_table([non_starter]).body_rows()[0])
    position, team, car, tyre, laps = (cells[i] for i in (0, 5, 7, 8, 9))
    for cell in (position, team, car, tyre, laps):
        assert cell.endswith(f">{UNKNOWN}</th>") or cell.endswith(f">{UNKNOWN}</td>")


def test_results_cells_escape_names(race_rows):
    race, rows = race_rows
    rows[0].entry.team.name = HOSTILE
    row = screen_table(rows).body_rows()[0]
    assert f">{ESCAPED}</a>" in row
    assert HOSTILE not in row


def test_results_drivers_cell_links_footnotes_and_story(race_rows):
    race, rows = race_rows
    source = type("Source", (), {"anchor": "source-s", "__str__": lambda s: "S"})()
    table = ResultsTable(
        ClassificationData(rows), references={rows[0].entry.pk: [Reference(1, source)]}
    )
    drivers = cells_of(table.body_rows()[0])[6]
    assert drivers.endswith(
        ' <span class="row-links"><span class="refs"><a class="ref" '
        'href="#source-s" aria-label="source 1: S">[1]</a></span> '
        '<a class="story-link" href="#story-7">Story<span class="visually-hidden">'
        " of car 7</span></a></span></td>"
    )


def test_results_rows_follow_the_chosen_sort(race_rows):
    race, rows = race_rows
    body = screen_table(rows, "sort=-car_number").body_rows()
    ids = [re.match(r'<tr id="([^"]+)"', row).group(1) for row in body]
    assert ids[:3] == ["car-32", "car-31", "car-21"]


def chart_line(name: str, rounds: list[int]) -> ProgressionLine:
    """A progression line of one made-up driver (no database needed)."""
    driver = Driver(first_name="Test", last_name=name)
    results = [RoundResult(points=p, is_known=True) for p in rounds]
    return ProgressionLine(standings=[Standing(competitor=driver, rounds=results)])


@pytest.fixture
def chart_lines():
    return [chart_line("Lehto", [20, 20]), chart_line(HOSTILE, [16, 0])]


@pytest.fixture
def chart(chart_lines):
    return charts.progression_chart(lines=chart_lines, round_labels=["R1", "R<2"])


def test_chart_labels_write_each_tick_where_the_chart_puts_it(chart):
    first, second = chart.x_ticks
    assert html.chart_labels(chart.x_ticks) == (
        f'<text x="{first.x}" y="{first.y}">R1</text>'
        f'<text x="{second.x}" y="{second.y}">R&lt;2</text>'
    )


def test_chart_lines_draw_each_line_with_its_label_at_its_end(chart):
    lehto, other = chart.series
    drawn = html.chart_lines(chart.series).split("\n")
    assert drawn[0] == (
        f'<g class="series series-1"><path class="line" d="{lehto.line_path}"/>'
        f'<text x="{lehto.label_x}" y="{lehto.label_y}">Lehto (40)</text></g>'
    )
    assert drawn[1].endswith(f">{ESCAPED} (16)</text></g>")


def test_figure_rows_name_each_line_and_its_running_totals(chart_lines):
    assert html.figure_rows(chart_lines) == (
        '<tr><th scope="row">Lehto</th><td>20<td>40</tr>\n'
        f'<tr><th scope="row">{ESCAPED}</th><td>16<td>16</tr>'
    )


def test_chart_summary_says_each_lines_total_after_the_last_round(chart):
    assert chart.last_round_summary == f"Lehto 40 points; {HOSTILE} 16 points."


def test_results_headings_sort_the_other_way_keeping_the_query(race_rows):
    race, rows = race_rows
    headings = screen_table(rows, "class=G%26T&sort=position").header_cells()
    assert headings.startswith(
        '<th scope="col" class="asc num orderable" aria-sort="ascending">'
        '<a href="?class=G%26T&amp;sort=-position#results">Pos'
        '<span class="sort-hint" aria-hidden="true"> ▲</span></a></th>'
    )
    assert '<a href="?class=G%26T&amp;sort=car_class#results">Class' in headings


def test_source_anchor_names_a_source_without_a_usable_code():
    assert Source(code="Gh ZeroFour").anchor == "source-gh-zerofour"
    assert Source(code="!!").anchor == "source-unnamed"


def test_ordinal_of_teens_and_unknowns():
    assert [html.ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 112, None)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "21st",
        "112th",
        "–",
    ]


def rows_by_slug(rows) -> dict:
    return {row.entry.slug: row for row in rows}


def test_podium_steps_give_place_crew_and_car(race_rows):
    race, rows = race_rows
    winner = rows_by_slug(rows)["7"]
    winner.entry.car_model.name = HOSTILE
    (step,) = html.podium_steps([winner]).split("\n")
    assert step.startswith(
        '<li class="step step-1"><span class="place">1st</span> <span class="crew">'
    )
    assert step.endswith(f'</span> <span class="car">#7 Audi {ESCAPED}</span></li>')


def test_podium_step_of_a_car_without_number_or_model(race_rows):
    race, rows = race_rows
    row = rows_by_slug(rows)["slow-prototype"]
    row.entry.car_model = None
    assert html.podium_steps([row]).endswith('<span class="car"></span></li>')


def test_story_meta_says_grid_result_and_links_the_row(race_rows):
    race, rows = race_rows
    winner = rows_by_slug(rows)["7"]
    winner.entry.grid = 2
    meta = html.story_meta(winner)
    assert meta.startswith('<span class="class-badge class-lmp1">LMP1</span> #7 <a ')
    assert meta.endswith(
        " · Grid: 2nd overall · Result: 1st in LMP1"
        ' · <a href="#car-7">See in results</a>'
    )


def test_story_meta_of_a_retired_car_and_of_a_non_starter(race_rows):
    race, rows = race_rows
    by_slug = rows_by_slug(rows)
    assert "· Grid: not known · Result: " in html.story_meta(by_slug["9"])
    assert "(retired (dnf): oil pressure)" in html.story_meta(by_slug["9"])
    assert "· Result: did not start ·" in html.story_meta(by_slug["non-starter"])


def test_grid_places_number_each_slot(race_rows):
    race, rows = race_rows
    by_slug = rows_by_slug(rows)
    by_slug["7"].entry.grid, by_slug["slow-prototype"].entry.grid = 2, 5
    first, second = html.grid_places([by_slug["7"], by_slug["slow-prototype"]]).split(
        "\n"
    )
    assert first.startswith(
        '<li value="2"><span class="place">2nd</span> '
        '<span class="class-badge class-lmp1">LMP1</span> #7 <a '
    )
    assert second.startswith(
        '<li value="5"><span class="place">5th</span> '
        '<span class="class-badge class-lmp1">LMP1</span> <a '
    )
