"""Small pieces of markup used on many pages and in table cells.

Built in Python: rendering an include for every badge and crew made them a
large share of the page render time. They are plain f-strings with every
value passed through `escape` (the standard library's html.escape, which
Django's own escape calls), made a SafeString once each: a race page has
hundreds of them, and the lazy-string checks of format_html on each value,
and of mark_safe on each result (a microsecond or two a call), were a good
part of its render.
"""

from html import escape

from django.utils.html import format_html
from django.utils.safestring import SafeString

DRIVERS_NOT_KNOWN = "drivers not known"


def class_badge(car_class) -> SafeString:
    """The class code on the class colour (never colour alone)."""
    code = car_class.code
    return SafeString(
        f'<span class="class-badge class-{escape(code.lower())}">{escape(code)}</span>'
    )


def link(url: str, text: object) -> SafeString:
    """`text` linked to a page of this site."""
    return SafeString(f'<a href="{escape(url)}">{escape(str(text))}</a>')


def driver_links(drivers) -> SafeString:
    """Each driver's name linked to their page, separated by slashes."""
    return SafeString(
        " / ".join(
            link(driver.get_absolute_url(), driver.full_name) for driver in drivers
        )
    )


def references(refs) -> SafeString:
    """Footnote links to the sources listed at the foot of the page: '[1][4]'
    on screen, in number order, 'source 1: <title>' to a screen reader.

    The name is the link's label rather than hidden text around the number:
    a race page has dozens of these, and that made four extra elements each.
    """
    in_order = sorted(refs, key=lambda ref: ref.number)
    return SafeString(
        "".join(
            f'<a class="ref" href="#{escape(ref.anchor)}" aria-label="source '
            f'{ref.number:d}: {escape(str(ref.source))}">[{ref.number:d}]</a>'
            for ref in in_order
        )
    )


def crew_links(drivers) -> SafeString:
    """A car's drivers linked to their pages, or said plainly to be not known
    when no source names them."""
    if not drivers:
        return SafeString(f'<span class="not-known">{DRIVERS_NOT_KNOWN}</span>')
    return driver_links(drivers)


def ordinal(number) -> str:
    """1 -> '1st', 22 -> '22nd'; an unknown number stays a dash."""
    if number in (None, ""):
        return "–"
    number = int(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# A race page's podiums, stories and grid: a line of markup per car, built
# here rather than by a dozen template tags for each.


def car_number(entry) -> str:
    """'#38 ' before a car's crew or model, or nothing when not known."""
    return f"#{escape(entry.car_number)} " if entry.car_number else ""


def podium_steps(rows) -> SafeString:
    """A class podium's places (`classification.podiums`), one list item
    each: the place, the crew and the car."""
    steps = []
    for row in rows:
        entry = row.entry
        car = escape(str(entry.car_model)) if entry.car_model else ""
        steps.append(
            f'<li class="step step-{row.class_position:d}"><span class="place">'
            f"{ordinal(row.class_position)}</span> "
            f'<span class="crew">{crew_links(row.drivers)}</span> '
            f'<span class="car">{car_number(entry)}{car}</span></li>'
        )
    return SafeString("\n".join(steps))


def story_meta(row) -> SafeString:
    """The line under a car's story headline: class, number and crew, grid
    place, result, and a link to the car's row of the results."""
    entry = row.entry
    grid = f"{ordinal(entry.grid)} overall" if entry.grid else "not known"
    if not entry.has_started:
        result = "did not start"
    else:
        result = f"{ordinal(row.class_position)} in {escape(entry.car_class.code)}"
        if not entry.is_running_at_finish:
            result += f" ({escape(entry.status_label.lower())})"
    return SafeString(
        f"{class_badge(entry.car_class)} {car_number(entry)}{crew_links(row.drivers)}"
        f" · Grid: {grid} · Result: {result}"
        f' · <a href="#{escape(entry.anchor)}">See in results</a>'
    )


def grid_places(rows) -> SafeString:
    """The starting grid: each car with a stated grid slot, in grid order,
    one list item each."""
    return SafeString(
        "\n".join(
            f'<li value="{row.entry.grid:d}"><span class="place">'
            f"{ordinal(row.entry.grid)}</span> {class_badge(row.entry.car_class)} "
            f"{car_number(row.entry)}{crew_links(row.drivers)}</li>"
            for row in rows
        )
    )


def external_link(url: str, text) -> SafeString:
    """`text` linked to a web address elsewhere (http or https only, so a
    stored address can never run script), or just the text without one."""
    if not url.lower().startswith(("https://", "http://")):
        return format_html("{}", text)
    return format_html('<a href="{}" rel="external noopener">{}</a>', url, text)


# Standings rows: the standings page holds eight tables of them, so each
# row's cells are built here in one go rather than cell by cell in a template.
# They leave out their optional end tags (HTML closes a cell at the next cell
# or the row's end) and the words a screen reader says for the marks ("=",
# "*", a blank) are added by site.css rather than repeated in hidden text: the
# standings page is a third of the size it was. The marks themselves are
# text, explained by the key above the tables.


def round_headings(races) -> SafeString:
    """The column headings of the rounds of a standings table: each race's
    number and name, linked to its page. A partial round is marked for
    site.css, which says so to a screen reader (the notice above the tables
    names the partial rounds on screen)."""
    headings = []
    for race in races:
        css_class = "round" if race.is_complete else "round partial"
        url = escape(race.get_absolute_url())
        headings.append(
            f'<th scope="col" class="{css_class}"><a href="{url}">'
            f"<b>R{race.round_number:d}</b> {escape(race.short_name)}</a></th>"
        )
    return SafeString("".join(headings))


def round_names(races) -> SafeString:
    """The column headings of the rounds of a chart's table of figures."""
    return SafeString(
        "".join(
            f'<th scope="col" class="num round">R{race.round_number:d} '
            f"{escape(race.short_name)}</th>"
            for race in races
        )
    )


def number_cells(numbers) -> str:
    """A cell for each integer, as in a chart's table of figures."""
    return "".join(f"<td>{number:d}" for number in numbers)


# Progression charts: the standings page draws four, each with a dozen axis
# labels, a few lines and a table of their figures, built here in one go.


def chart_labels(ticks) -> SafeString:
    """An axis's labels (`charts.Tick`), one text element each."""
    return SafeString(
        "".join(
            f'<text x="{tick.x:d}" y="{tick.y:d}">{escape(tick.label)}</text>'
            for tick in ticks
        )
    )


def chart_lines(series) -> SafeString:
    """Each line of a chart (`charts.Series`) with its label at its end,
    one group a line; site.css gives each its colour, dashes and marker."""
    return SafeString(
        "\n".join(
            f'<g class="series {escape(line.css_class)}"><path class="line" '
            f'd="{escape(line.line_path)}"/><text x="{line.label_x:d}" '
            f'y="{line.label_y:d}">{escape(line.end_label)}</text></g>'
            for line in series
        )
    )


def figure_rows(lines) -> SafeString:
    """A chart's table of figures: each line (`standings.ProgressionLine`)
    named, then its running total after each round."""
    return SafeString(
        "\n".join(
            f'<tr><th scope="row">{escape(line.label)}</th>'
            f"{number_cells(line.points)}</tr>"
            for line in lines
        )
    )


def round_cell(result) -> str:
    """One round's cell of a standings row: a `standings.RoundResult`, or
    None when the competitor did not take part (an empty cell). Only an
    integer goes in."""
    if result is None:
        return "<td>"
    if not result.is_known:
        return "<td>–"
    if not result.is_verified:
        return f'<td class="unverified">{result.points:d}*'
    return f"<td>{result.points:d}"


def standing_cells(standing) -> str:
    """A standings row's cells (a `standings.Standing`): place, the driver
    or team linked to their page, total, then one cell per counting round."""
    place = (
        f'<td class="tied">{standing.position:d}='
        if standing.is_tied
        else f"<td>{standing.position:d}"
    )
    competitor = standing.competitor
    rounds = "".join([round_cell(result) for result in standing.rounds])
    return (
        f'{place}<th scope="row">{link(competitor.get_absolute_url(), competitor)}'
        f'<td class="total">{standing.total:d}{rounds}'
    )


def standing_rows(standings) -> SafeString:
    """A standings table's rows, one a line, the leaders' marked."""
    rows = []
    for standing in standings:
        leader = ' class="leader"' if standing.is_leader else ""
        rows.append(f"<tr{leader}>{standing_cells(standing)}</tr>")
    return SafeString("\n".join(rows))
