"""The results tables of a race: on screen, in print and as exports.

The tables sort their rows here (`SORT_VALUES`) and print them in the blocks
of an official sheet (`SHEET_BLOCKS`); rows are `standings.ScoredEntry`.
"""

import copy
import functools
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy

from . import html
from .citations import Reference
from .classification import BLOCK_ORDER, UNKNOWN_LAST, ClassifiedEntry
from .models import Entry
from .race_facts import stated_gap_sort_value
from .standings import Outcome, ScoredEntry
from .text import spreadsheet_cell
from .timing import shown_gap, stated_gap

UNKNOWN = "–"
DRIVERS_NOT_KNOWN = html.DRIVERS_NOT_KNOWN
WRAPPING = {"td": {"class": "wrap-cell"}}

# Blocks of a printed classification sheet, in order, with their headings.
SHEET_BLOCKS = {
    Entry.Status.RUNNING: (0, "Classified"),
    Entry.Status.CLASSIFIED: (0, "Classified"),
    Entry.Status.NOT_CLASSIFIED: (1, "Not classified"),
    Entry.Status.RETIRED: (2, "Retired (DNF)"),
    Entry.Status.DISQUALIFIED: (3, "Disqualified"),
    Entry.Status.DID_NOT_START: (4, "Did not start (DNS)"),
    Entry.Status.UNKNOWN: (5, "Status not known"),
}


def sheet_block(row: ClassifiedEntry) -> str:
    """The heading of the block a row is printed under on a classification sheet."""
    return SHEET_BLOCKS[row.entry.status][1]


def in_sheet_order[Row: ClassifiedEntry](rows: list[Row]) -> list[Row]:
    """Rows as on a printed sheet: by block, then in official order.

    Retired cars keep the overall place their laps earned, but are printed
    in their own block below the classified cars.
    """
    return sorted(
        rows, key=lambda row: (SHEET_BLOCKS[row.entry.status][0], row.sort_key)
    )


def car_number_value(number: str) -> tuple[int, str] | None:
    """Car numbers sort as numbers: 3 before 16, '007' as 7."""
    if not number:
        return None
    digits = "".join(char for char in number if char.isdigit())
    return (int(digits) if digits else UNKNOWN_LAST, number)


def story_subject(row: ClassifiedEntry) -> str:
    """Whose story a story link opens, for its accessible name."""
    if row.entry.car_number:
        return f"car {row.entry.car_number}"
    if row.drivers or row.entry.team:
        return f"{row.label}'s car"
    return "the car whose number is not known"


def name_or_none(value: object) -> str | None:
    return str(value).casefold() if value else None


# How the results table sorts by each column; None means unknown.
SORT_VALUES: dict[str, Callable[[ScoredEntry], Any]] = {
    "position": lambda row: row.sort_key,
    "car_class": lambda row: row.class_sort_key,
    "class_position": lambda row: row.class_position,
    "car_number": lambda row: car_number_value(row.entry.car_number),
    "team": lambda row: name_or_none(row.entry.team),
    "drivers": lambda row: tuple(d.last_name.casefold() for d in row.drivers) or None,
    "car": lambda row: name_or_none(row.entry.car_model),
    "tyre": lambda row: name_or_none(row.entry.tyre and row.entry.get_tyre_display()),
    "laps": lambda row: row.entry.laps,
    "laps_behind": lambda row: row.laps_behind_class_leader,
    "stated_gap": lambda row: stated_gap_sort_value(row.entry),
    "status": lambda row: BLOCK_ORDER[row.entry.status],
    "points": lambda row: (
        row.score.points if row.score and row.score.is_known else None
    ),
}


def order_rows(
    rows: list[ScoredEntry], column: str, *, descending: bool = False
) -> list[ScoredEntry]:
    """Rows sorted by one column, ties in official order, unknown values last."""
    value = SORT_VALUES[column]
    official = sorted(rows, key=lambda row: row.sort_key)
    known = [row for row in official if value(row) is not None]
    unknown = [row for row in official if value(row) is None]
    known.sort(key=value, reverse=descending)
    return known + unknown


class Column(tables.Column):
    """A column that each table copies shallowly.

    django-tables2 deep-copies a table class's columns for every table it
    makes, so that a table may change its own: a quarter of a millisecond
    for the results table, made for each race page. Tables here only ever
    replace a column's attribute (ResultsPrintTable its `attrs`), never
    change one in place, so a shallow copy keeps every change to the copy.
    """

    def __deepcopy__(self, memo):
        return copy.copy(self)


class NumberColumn(Column):
    """A right-aligned number that shows a dash when unknown."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", UNKNOWN)
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)


def td_attrs(column_attrs: dict) -> str:
    """A column's cell attributes, with their leading space: ' class="num"'."""
    attrs = column_attrs["td"].as_html()
    return f" {attrs}" if attrs else ""


def text_or_unknown(value: object) -> str:
    """A plain value as cell content: escaped, or a dash when unknown."""
    return UNKNOWN if value is None or value == "" else escape(str(value))


def link_or_unknown(target) -> str:
    """A team or car linked to its page, or a dash when unknown."""
    return UNKNOWN if target is None else html.link(target.get_absolute_url(), target)


class ClassificationData(TableListData):
    """Classified rows, sorted with unknown values last in either direction."""

    def order_by(self, aliases):
        if aliases and OrderBy(aliases[0]).bare in SORT_VALUES:
            first = OrderBy(aliases[0])
            self.data = order_rows(
                self.data, first.bare, descending=first.is_descending
            )


class ResultsTable(tables.Table):
    """A race's classification; rows are `ScoredEntry` objects."""

    position = NumberColumn(
        "Pos",
        accessor="entry__position",
    )
    car_class = Column(
        "Class",
        accessor="entry__car_class",
    )
    class_position = NumberColumn(
        "Pos in class",
        accessor="class_position",
    )
    points = NumberColumn(
        "Points",
        accessor="score",
    )
    car_number = Column(
        "No.",
        accessor="entry__car_number",
        default=UNKNOWN,
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    team = Column(
        "Team",
        accessor="entry__team",
        default=UNKNOWN,
        attrs=WRAPPING,
    )
    drivers = Column("Drivers", accessor="drivers", attrs=WRAPPING)
    car = Column(
        "Car",
        accessor="entry__car_model",
        default=UNKNOWN,
        attrs=WRAPPING,
    )
    tyre = Column("Tyres", accessor="entry__tyre", default=UNKNOWN)
    laps = NumberColumn(
        "Laps",
        accessor="entry__laps",
    )
    laps_behind = NumberColumn(
        "Behind class leader",
        accessor="laps_behind_class_leader",
    )
    # The gap as a source states it; the exports have their own gap column.
    stated_gap = Column(
        "Gap",
        empty_values=(),
        exclude_from_export=True,
        attrs={"th": {"class": "num"}, "td": {"class": "num gap-cell"}},
    )
    status = Column(
        "Status",
        accessor="entry__status",
        attrs=WRAPPING,
    )

    class Meta:
        orderable = True
        order_by = ("position",)
        attrs = {"class": "results"}
        empty_text = "No cars are entered for this race yet."

    def __init__(
        self,
        *args,
        caption: str = "Classification",
        references: dict[int, list[Reference]] | None = None,
        **kwargs,
    ):
        """`references` are each entry's (by id) footnotes, shown after its
        drivers."""
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.references = references or {}

    @functools.cached_property
    def column_attrs(self) -> dict[str, dict]:
        """Each shown column's attributes for its heading ("th") and cells
        ("td"), by column name: django-tables2 works them all out at each
        ask, 16 µs a column. Read when the page renders, once the table's
        order is known."""
        return {column.name: column.attrs for column in self.columns}

    def header_cells(self) -> SafeString:
        """The column headings: a sortable column's is a link that sorts by
        it (the other way round when already sorted so), keeping the page's
        other query parameters, as django-tables2's `querystring_replace`.

        Built here for the same reason as the rows (`body_rows`). The table
        must have been configured with the request (`RequestConfig`).
        """
        cells = []
        page_query = dict(self.request.GET)
        order_by_field = self.prefixed_order_by_field
        for column in self.columns:
            order = column.order_by_alias
            sorted_by = ""
            if column.is_ordered:
                sorted_by = "descending" if order.is_descending else "ascending"
            heading = conditional_escape(column.header)
            if column.orderable:
                query = {**page_query, order_by_field: order.next}
                arrow = {"": "", "ascending": " ▲", "descending": " ▼"}[sorted_by]
                heading = (
                    f'<a href="?{escape(urlencode(query, doseq=True))}#results">'
                    f'{heading}<span class="sort-hint" aria-hidden="true">{arrow}'
                    "</span></a>"
                )
            aria_sort = f' aria-sort="{sorted_by}"' if sorted_by else ""
            attrs = self.column_attrs[column.name]["th"].as_html()
            cells.append(f'<th scope="col" {attrs}{aria_sort}>{heading}</th>')
        return SafeString("".join(cells))

    def body_rows(self) -> list[SafeString]:
        """Each row as one line of HTML, its first cell the row's header.

        Built here in plain Python, each cell by the table's `cell_<column>`
        method, rather than cell by cell in the template: django-tables2's
        own cell rendering (inspecting each column for every cell) and
        format_html around every value were most of the race page's render
        time.
        """
        (first, first_attrs), *others = [
            (
                getattr(self, f"cell_{column.name}"),
                td_attrs(self.column_attrs[column.name]),
            )
            for column in self.columns
        ]
        rows = []
        for row in self.data:
            winner = ' class="class-winner"' if row.is_class_winner else ""
            cells = "".join([f"<td{attrs}>{cell(row)}</td>" for cell, attrs in others])
            rows.append(
                SafeString(
                    f'<tr id="{escape(row.entry.anchor)}"{winner}><th scope="row"'
                    f"{first_attrs}>{first(row)}</th>{cells}</tr>"
                )
            )
        return rows

    # The screen's cells, each as escaped HTML (see body_rows).
    def cell_position(self, row: ScoredEntry) -> str:
        return text_or_unknown(row.entry.position)

    def cell_car_class(self, row: ScoredEntry) -> str:
        return html.class_badge(row.entry.car_class)

    def cell_class_position(self, row: ScoredEntry) -> str:
        return text_or_unknown(row.class_position)

    def cell_points(self, row: ScoredEntry) -> str:
        score = row.score
        if score is None or not score.is_known:
            return UNKNOWN
        if score.outcome == Outcome.TOO_SHORT:
            return (
                f'0 <span class="points-note">(under {escape(score.share_label)})'
                "</span>"
            )
        if not score.is_verified:
            return (
                f'{score.points:d}<span aria-hidden="true">*</span>'
                '<span class="visually-hidden"> (unverified)</span>'
            )
        return f"{score.points:d}"

    def cell_car_number(self, row: ScoredEntry) -> str:
        return text_or_unknown(row.entry.car_number)

    def cell_team(self, row: ScoredEntry) -> str:
        return link_or_unknown(row.entry.team)

    def cell_drivers(self, row: ScoredEntry) -> str:
        """The crew, then on a line of its own the row's footnotes and its
        story link: in the wrapping drivers cell they widen no column."""
        entry = row.entry
        links = []
        if references := self.references.get(entry.pk):
            links.append(f'<span class="refs">{html.references(references)}</span>')
        if hasattr(entry, "story"):
            links.append(
                f'<a class="story-link" href="#{escape(entry.story_anchor)}">Story'
                f'<span class="visually-hidden"> of {escape(story_subject(row))}'
                "</span></a>"
            )
        crew = html.crew_links(row.drivers)
        if not links:
            return crew
        return f'{crew} <span class="row-links">{" ".join(links)}</span>'

    def cell_car(self, row: ScoredEntry) -> str:
        return link_or_unknown(row.entry.car_model)

    def cell_tyre(self, row: ScoredEntry) -> str:
        return escape(self.render_tyre(row)) if row.entry.tyre else UNKNOWN

    def cell_laps(self, row: ScoredEntry) -> str:
        return text_or_unknown(row.entry.laps)

    def cell_laps_behind(self, row: ScoredEntry) -> str:
        behind = row.laps_behind_class_leader
        if behind is None:
            return UNKNOWN
        return escape(self.render_laps_behind(behind, row))

    def cell_stated_gap(self, row: ScoredEntry) -> str:
        return escape(self.render_stated_gap(row))

    def cell_status(self, row: ScoredEntry) -> str:
        return escape(self.render_status(row))

    # Plain text, shared with the printed sheet.
    def render_tyre(self, record):
        return record.entry.get_tyre_display()

    def render_laps_behind(self, value, record):
        if record.is_class_winner:
            return "Class leader"
        if value == 0:
            return "Same lap"
        return f"+{value} lap" if value == 1 else f"+{value} laps"

    def render_stated_gap(self, record):
        return shown_gap(record.entry) or UNKNOWN

    def render_status(self, record):
        return record.entry.status_label


class ResultsPrintTable(ResultsTable):
    """The classification as printed: plain text, no sorting, rows in blocks.

    Rows must come in sheet order (`in_sheet_order`); the
    template prints each block under its own heading.
    """

    sources = Column("Sources", accessor="entry", default=UNKNOWN)

    class Meta(ResultsTable.Meta):
        orderable = False
        template_name = "includes/print_table.html"
        attrs = {"class": "results results-print"}
        row_attrs = {
            "class": lambda record: "class-winner" if record.is_class_winner else "",
        }

    def __init__(self, *args, **kwargs):
        # `references` (results.cite_race_sources) fill the Sources column
        # here, rather than following the status as links.
        super().__init__(*args, **kwargs)
        # A class per column (col-laps, ...), so the sheet can size each one.
        for bound_column in self.columns.iterall():
            column = bound_column.column
            attrs = {key: dict(value) for key, value in column.attrs.items()}
            for tag in ("th", "td"):
                cell = attrs.setdefault(tag, {})
                classes = [cell.get("class"), f"col-{bound_column.name}"]
                cell["class"] = " ".join(filter(None, classes))
            column.attrs = attrs

    def render_car_class(self, value):
        return value.code

    def render_team(self, value):
        return str(value)

    def render_car(self, value):
        return str(value)

    def render_drivers(self, value):
        return " / ".join(driver.full_name for driver in value) or DRIVERS_NOT_KNOWN

    def render_laps_behind(self, value, record):
        if record.is_class_winner:
            return "Class winner"
        return super().render_laps_behind(value, record)

    def render_sources(self, value):
        numbers = sorted(ref.number for ref in self.references.get(value.pk, []))
        return ", ".join(str(number) for number in numbers) or UNKNOWN

    def render_points(self, value):
        if not value.is_known:
            return UNKNOWN
        if value.outcome == Outcome.TOO_SHORT:
            return f"0 (<{value.share_label})"
        return f"{value.points}" if value.is_verified else f"{value.points}*"

    @property
    def blocks(self) -> list[tuple[str, list]]:
        """(heading, bound rows) for each block of the sheet, in order."""
        blocks: list[tuple[str, list]] = []
        for row in self.rows:
            heading = sheet_block(row.record)
            if not blocks or blocks[-1][0] != heading:
                blocks.append((heading, []))
            blocks[-1][1].append(row)
        return blocks


class ResultsExportTable(ResultsTable):
    """The classification as plain values for CSV, XLSX and JSON exports.

    Headers are the column names (`position`, `car_class`, ...), documented
    in the README; they must not change. Unknown values are None, which
    CSV and XLSX write as empty cells and JSON as null. In CSV and XLSX,
    text that a spreadsheet would run as a formula starts with an apostrophe.
    """

    reason = Column("Reason", accessor="entry__reason")
    gap = Column("Gap", accessor="entry")
    sources = Column("Sources", accessor="entry")

    class Meta(ResultsTable.Meta):
        orderable = False
        # New columns go at the end, so existing readers keep working.
        sequence = (
            "position",
            "car_class",
            "class_position",
            "car_number",
            "team",
            "drivers",
            "car",
            "tyre",
            "laps",
            "laps_behind",
            "status",
            "reason",
            "points",
            "gap",
            "sources",
        )

    def __init__(self, *args, export_format: str = "json", **kwargs):
        super().__init__(*args, **kwargs)
        self.is_spreadsheet = export_format in {"csv", "xlsx"}

    def as_values(self, exclude_columns=None):
        values = super().as_values(exclude_columns)
        next(values)  # the screen headers
        exclude_columns = exclude_columns or ()
        yield [
            column.name
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        if not self.is_spreadsheet:
            yield from values
            return
        for row in values:
            yield [spreadsheet_cell(value) for value in row]

    def value_car_class(self, value):
        return value.code

    def value_team(self, value):
        return str(value)

    def value_car(self, value):
        return str(value)

    def value_drivers(self, value):
        return " / ".join(driver.full_name for driver in value) or None

    def value_tyre(self, record):
        return record.entry.get_tyre_display() if record.entry.tyre else None

    def value_laps_behind(self, value):
        return value

    def value_status(self, record):
        return record.entry.status

    def value_points(self, value):
        return value.points if value and value.is_known else None

    def value_gap(self, value):
        return stated_gap(value)

    def value_sources(self, value):
        codes = [link.source.code for link in value.ordered_source_links]
        return "; ".join(codes) or None
