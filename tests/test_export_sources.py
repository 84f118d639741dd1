"""The exports' `gap` and `sources` columns: what the sources state, at the end."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from races.models import Entry
from races.timing import stated_gap

from .factories import (
    cite,
    make_classified_race,
    make_entry,
    make_race,
    make_source,
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
    cite(winner, make_source("dewiki"), make_source("gh-zerofour"))
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
    cite(entry, make_source("=cmd|' /C calc'!A0"))
    assert csv_rows(client, race)[0]["sources"] == "'=cmd|' /C calc'!A0"


def test_json_source_code_is_carried_unchanged(client):
    race = make_race()
    entry = make_entry(race, position=1)
    cite(entry, make_source("=odd-code"))
    rows = json.loads(client.get(export_url(race, "json")).content)
    assert rows[0]["sources"] == "=odd-code"


def test_export_query_count_stays_constant_with_sources(
    client, django_assert_max_num_queries
):
    race = make_race()
    for position in range(1, 30):
        entry = make_entry(race, "GT", position=position)
        cite(entry, make_source(), make_source())
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
            {
                "gap_time": datetime.timedelta(seconds=23),
                "is_gap_to_class_winner": True,
            },
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


# The printed sheet: a Sources column and the numbered sources in the footer.


def print_html(client, race) -> str:
    url = reverse(
        "races:race-results-print",
        kwargs={"year": race.season.year, "slug": race.slug},
    )
    return client.get(url).content.decode()


def source_list(html: str) -> list[str]:
    """The footer's numbered sources as (number, text), whitespace collapsed."""
    found = re.findall(r'<li value="(\d+)">(.*?)</li>', html, flags=re.S)
    return [f"{number}. {' '.join(text.split())}" for number, text in found]


def sources_cell(html: str, car_number: str) -> str:
    """The Sources cell of the row whose No. cell is the car number."""
    row = re.search(
        rf'col-car_number num">{car_number}</td>.*?col-sources">(.*?)</td>',
        html,
        flags=re.S,
    )
    return row.group(1)


@pytest.fixture
def sheet_race():
    """Two sourced cars, the second citing a source the first did too, and a
    source that only the race's facts cite."""
    race = make_classified_race(slug="sheetville")
    season_page = make_source(
        "enwiki-season",
        title="2004 season",
        publisher="Wikipedia",
        url="https://en.wikipedia.org/wiki/2004_season",
    )
    release = make_source("dyson-release", title="", publisher="", url="")
    cite(race.entries.get(slug="7"), season_page)
    # Its links come by code (dyson-release first); the row still reads "1, 2".
    cite(race.entries.get(slug="8"), season_page)
    cite(race.entries.get(slug="8"), release, note="row truncated")
    cite(race, make_source("facts-sheet", title="Facts"))
    return race


def test_print_sheet_lists_the_cited_sources_numbered_in_the_footer(client, sheet_race):
    assert source_list(print_html(client, sheet_race)) == [
        "1. 2004 season, Wikipedia [enwiki-season]. "
        "https://en.wikipedia.org/wiki/2004_season",
        "2. dyson-release (row truncated)",
        "3. Facts, Test Press [facts-sheet]. https://example.org/facts-sheet",
    ]


def test_print_sheet_rows_carry_their_source_numbers(client, sheet_race):
    html = print_html(client, sheet_race)
    assert sources_cell(html, "7") == "1"
    assert sources_cell(html, "8") == "1, 2"
    assert sources_cell(html, "11") == "–"


def test_print_sheet_names_the_sources_of_the_race_facts(client, sheet_race):
    html = " ".join(print_html(client, sheet_race).split())
    assert "cars entered and classified): source 3." in html


def test_print_sheet_without_sources_has_no_source_list(client):
    race = make_race(source_note="")
    make_entry(race, position=1)
    html = print_html(client, race)
    assert source_list(html) == []
    assert "The Sources column" not in html
    assert sources_cell(html, race.entries.get().car_number) == "–"


def test_print_sheet_query_count_stays_constant_with_sources(
    client, django_assert_max_num_queries
):
    race = make_race()
    cite(race, make_source())
    for position in range(1, 30):
        entry = make_entry(race, "GT", position=position)
        cite(entry, make_source(), make_source())
    with django_assert_max_num_queries(5):
        print_html(client, race)


@pytest.mark.slow
def test_pdf_footer_lists_the_sources(client, sheet_race):
    url = reverse(
        "races:race-results-pdf",
        kwargs={"year": sheet_race.season.year, "slug": sheet_race.slug},
    )
    reader = PdfReader(io.BytesIO(client.get(url).content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Sources" in text
    assert "2004 season, Wikipedia [enwiki-season]." in text
    assert "dyson-release (row truncated)" in text
