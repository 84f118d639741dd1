"""The exports' `gap` and `sources` columns: what the sources state, at the end."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from races.models import Entry
from races.timing import stated_gap

from .factories import (
    exports_cite,
    exports_make_source,
    make_classified_race,
    make_entry,
    make_race,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

COLUMNS_BEFORE = [
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
]


def export_url(race, export_format):
    return reverse(
        "races:race-results-export",
        kwargs={"year": race.season.year, "slug": race.slug, "format": export_format},
    )


def csv_rows(client, race) -> list[dict]:
    response = client.get(export_url(race, "csv"))
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def csv_header(client, race) -> list[str]:
    response = client.get(export_url(race, "csv"))
    return next(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def race():
    """A classified race whose winner has a race time and two sources."""
    race = make_classified_race(slug="testville")
    winner = race.entries.get(slug="7")
    winner.race_time = datetime.timedelta(hours=2, minutes=45, seconds=13.916)
    winner.save()
    exports_cite(
        winner, exports_make_source("dewiki"), exports_make_source("gh-zerofour")
    )
    second = race.entries.get(slug="8")
    second.gap_laps = 1
    second.save()
    return race


def test_export_columns_keep_their_order_and_end_with_gap_and_sources(client, race):
    assert csv_header(client, race) == [*COLUMNS_BEFORE, "gap", "sources"]


def test_export_without_points_still_ends_with_gap_and_sources(client):
    race = make_race(points_scale=None)
    make_entry(race, position=1)
    assert csv_header(client, race) == [
        *[column for column in COLUMNS_BEFORE if column != "points"],
        "gap",
        "sources",
    ]


def test_csv_row_with_sources_lists_their_codes(client, race):
    winner = csv_rows(client, race)[0]
    assert winner["car_number"] == "7"
    assert winner["sources"] == "dewiki; gh-zerofour"
    assert winner["gap"] == "2:45:13.916 (race time)"


def test_csv_row_without_sources_or_gap_is_empty(client, race):
    third = csv_rows(client, race)[2]
    assert third["car_number"] == "11"
    assert third["sources"] == ""
    assert third["gap"] == ""


def test_csv_row_with_a_gap_in_laps_states_it(client, race):
    assert csv_rows(client, race)[1]["gap"] == "1 lap"


def test_json_export_has_null_for_no_sources_and_no_gap(client, race):
    rows = json.loads(client.get(export_url(race, "json")).content)
    assert rows[0]["sources"] == "dewiki; gh-zerofour"
    assert rows[0]["gap"] == "2:45:13.916 (race time)"
    assert rows[2]["sources"] is None
    assert rows[2]["gap"] is None


def test_xlsx_export_has_the_new_columns_at_the_end(client, race):
    response = client.get(export_url(race, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][-2:]) == ["gap", "sources"]
    assert list(rows[1][-2:]) == ["2:45:13.916 (race time)", "dewiki; gh-zerofour"]


def test_csv_source_code_that_reads_as_a_formula_is_inert(client):
    race = make_race()
    entry = make_entry(race, position=1)
    exports_cite(entry, exports_make_source("=cmd|' /C calc'!A0"))
    assert csv_rows(client, race)[0]["sources"] == "'=cmd|' /C calc'!A0"


def test_json_source_code_is_carried_unchanged(client):
    race = make_race()
    entry = make_entry(race, position=1)
    exports_cite(entry, exports_make_source("=odd-code"))
    rows = json.loads(client.get(export_url(race, "json")).content)
    assert rows[0]["sources"] == "=odd-code"


def test_export_query_count_stays_constant_with_sources(
    client, django_assert_max_num_queries
):
    race = make_race()
    for position in range(1, 30):
        entry = make_entry(race, "GT", position=position)
        exports_cite(entry, exports_make_source(), exports_make_source())
    with django_assert_max_num_queries(4):
        client.get(export_url(race, "csv"))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),
        (
            {"race_time": datetime.timedelta(hours=12, seconds=82.576)},
            "12:01:22.576 (race time)",
        ),
        ({"gap_laps": 5}, "5 laps"),
        ({"gap_laps": 1}, "1 lap"),
        ({"gap_time": datetime.timedelta(seconds=1.4)}, "1.4 s"),
        ({"gap_time": datetime.timedelta(seconds=68.446)}, "1:08.446"),
        ({"gap_laps": 22, "is_gap_to_class_winner": True}, "22 laps to GTS winner"),
        (
            {"gap_time": datetime.timedelta(seconds=23), "is_gap_to_class_winner": 1},
            "23 s to GTS winner",
        ),
    ],
)
def test_stated_gap_reads_as_the_source_states_it(fields, expected):
    entry = make_entry(make_race(), "GTS", **fields)
    assert stated_gap(entry) == expected


def test_stated_gap_of_an_unsaved_entry_needs_no_query(django_assert_num_queries):
    entry = Entry(gap_laps=3)
    with django_assert_num_queries(0):
        assert stated_gap(entry) == "3 laps"
