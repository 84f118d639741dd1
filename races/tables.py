import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy

from .classification import SORT_VALUES, order_rows
from .standings import Outcome

UNKNOWN = "–"
WRAPPING = {"td": {"class": "wrap-cell"}}


class NumberColumn(tables.Column):
    """A right-aligned number that shows a dash when unknown."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", UNKNOWN)
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)


class ClassificationData(TableListData):
    """Classified rows, sorted with unknown values last in either direction."""

    def order_by(self, aliases):
        if aliases and OrderBy(aliases[0]).bare in SORT_VALUES:
            first = OrderBy(aliases[0])
            self.data = order_rows(
                self.data, first.bare, descending=first.is_descending
            )


class ResultsTable(tables.Table):
    """A race's classification; rows are `ClassifiedEntry` objects."""

    position = NumberColumn(
        "Pos",
        accessor="entry__position",
    )
    car_class = tables.Column(
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
    car_number = tables.Column(
        "No.",
        accessor="entry__car_number",
        default=UNKNOWN,
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    team = tables.Column(
        "Team",
        accessor="entry__team",
        default=UNKNOWN,
        attrs=WRAPPING,
    )
    drivers = tables.Column("Drivers", accessor="drivers", attrs=WRAPPING)
    car = tables.Column(
        "Car",
        accessor="entry__car_model",
        default=UNKNOWN,
        attrs=WRAPPING,
    )
    tyre = tables.Column("Tyres", accessor="entry__tyre", default=UNKNOWN)
    laps = NumberColumn(
        "Laps",
        accessor="entry__laps",
    )
    laps_behind = NumberColumn(
        "Behind class leader",
        accessor="laps_behind_class_leader",
    )
    status = tables.Column(
        "Status",
        accessor="entry__status",
    )

    class Meta:
        orderable = True
        order_by = ("position",)
        attrs = {"class": "results"}
        row_attrs = {
            "id": lambda record: record.entry.anchor,
            "class": lambda record: "class-winner" if record.is_class_winner else "",
        }
        empty_text = "No cars are entered for this race yet."

    def __init__(self, *args, caption: str = "Classification", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_car_class(self, value):
        return render_to_string("includes/class_badge.html", {"car_class": value})

    def render_team(self, value):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)

    def render_car(self, value):
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)

    def render_drivers(self, value, record):
        return render_to_string(
            "races/includes/drivers_cell.html", {"drivers": value, "row": record}
        )

    def render_tyre(self, record):
        return record.entry.get_tyre_display()

    def render_laps_behind(self, value, record):
        if record.is_class_winner:
            return "Class leader"
        if value == 0:
            return "Same lap"
        return f"+{value} lap" if value == 1 else f"+{value} laps"

    def render_status(self, record):
        return record.entry.status_label

    def render_points(self, value):
        if not value.is_known:
            return UNKNOWN
        if value.outcome == Outcome.TOO_SHORT:
            return format_html(
                '0 <span class="points-note">(under {})</span>', value.share_label
            )
        if not value.is_verified:
            return format_html(
                '{}<span aria-hidden="true">*</span>'
                '<span class="visually-hidden"> (unverified)</span>',
                value.points,
            )
        return value.points
