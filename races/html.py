"""Small pieces of markup used on many pages and in table cells.

Built in Python with format_html: rendering an include for every badge
and crew made them a large share of the page render time.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

DRIVERS_NOT_KNOWN = "drivers not known"


def class_badge(car_class) -> SafeString:
    """The class code on the class colour (never colour alone)."""
    return format_html(
        '<span class="class-badge class-{}">{}</span>',
        car_class.code.lower(),
        car_class.code,
    )


def driver_links(drivers) -> SafeString:
    """Each driver's name linked to their page, separated by slashes."""
    return format_html_join(
        " / ",
        '<a href="{}">{}</a>',
        ((driver.get_absolute_url(), driver.full_name) for driver in drivers),
    )


def references(refs) -> SafeString:
    """Footnote links to the sources listed at the foot of the page: '[1][4]'
    on screen, in number order, 'source 1: <title>' to a screen reader.

    The name is the link's label rather than hidden text around the number:
    a race page has dozens of these, and that made four extra elements each.
    """
    in_order = sorted(refs, key=lambda ref: ref.number)
    return format_html_join(
        "",
        '<a class="ref" href="#{}" aria-label="source {}: {}">[{}]</a>',
        ((ref.anchor, ref.number, ref.source, ref.number) for ref in in_order),
    )


def crew_links(drivers) -> SafeString:
    """A car's drivers linked to their pages, or said plainly to be not known
    when no source names them."""
    if not drivers:
        return format_html('<span class="not-known">{}</span>', DRIVERS_NOT_KNOWN)
    return driver_links(drivers)


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
    return format_html_join(
        "",
        '<th scope="col" class="{}"><a href="{}"><b>R{}</b> {}</a></th>',
        (
            (
                "round" if race.is_complete else "round partial",
                race.get_absolute_url(),
                race.round_number,
                race.short_name,
            )
            for race in races
        ),
    )


def round_names(races) -> SafeString:
    """The column headings of the rounds of a chart's table of figures."""
    return format_html_join(
        "",
        '<th scope="col" class="num round">R{} {}</th>',
        ((race.round_number, race.short_name) for race in races),
    )


def number_cells(numbers) -> SafeString:
    """A cell for each integer, as in a chart's table of figures."""
    return mark_safe("".join(f"<td>{number:d}" for number in numbers))


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


def standing_cells(standing) -> SafeString:
    """A standings row's cells (a `standings.Standing`): place, the driver
    or team linked to their page, total, then one cell per counting round."""
    place = (
        f'<td class="tied">{standing.position:d}='
        if standing.is_tied
        else f"<td>{standing.position:d}"
    )
    competitor = standing.competitor
    return format_html(
        '{}<th scope="row"><a href="{}">{}</a><td class="total">{}{}',
        mark_safe(place),
        competitor.get_absolute_url(),
        competitor,
        standing.total,
        mark_safe("".join(round_cell(result) for result in standing.rounds)),
    )
