"""CSV, XLSX and JSON exports of a race's classification."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.models import Entry
from races.results import scored_classification

from .factories import make_classified_race, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race(slug="testville")


COLUMNS = [
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
]


def export_url(race, export_format):
    return reverse(
        "races:race-results-export",
        kwargs={"year": race.season.year, "slug": race.slug, "format": export_format},
    )


def expected_rows(race) -> list[dict]:
    """The classification as the exports should carry it, as text, '' if unknown."""

    def text(value):
        return "" if value is None else str(value)

    return [
        {
            "position": text(row.entry.position),
            "car_class": row.entry.car_class.code,
            "class_position": text(row.class_position),
            "car_number": row.entry.car_number,
            "team": text(row.entry.team),
            "drivers": " / ".join(driver.full_name for driver in row.drivers),
            "car": text(row.entry.car_model),
            "tyre": row.entry.get_tyre_display() if row.entry.tyre else "",
            "laps": text(row.entry.laps),
            "laps_behind": text(row.laps_behind_class_leader),
            "status": row.entry.status,
            "reason": row.entry.reason,
            "points": text(row.score.points if row.score.is_known else None),
            "gap": "",
            "sources": "",
        }
        for row in scored_classification(race)
    ]


def test_csv_round_trips_into_the_classification(client, race):
    response = client.get(export_url(race, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == COLUMNS
    assert list(reader) == expected_rows(race)


def test_csv_export_is_plain_text_without_markup(client, race):
    content = client.get(export_url(race, "csv")).content.decode()
    assert "<" not in content
    assert "–" not in content  # unknown values are empty, not a dash


def test_exports_keep_car_numbers_as_text(client):
    race = make_race()
    make_entry(race, car_number="007", position=1)
    csv_text = client.get(export_url(race, "csv")).content.decode()
    assert next(csv.DictReader(io.StringIO(csv_text)))["car_number"] == "007"
    data = json.loads(client.get(export_url(race, "json")).content)
    assert data[0]["car_number"] == "007"
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(export_url(race, "xlsx")).content)
    )
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert sheet.cell(row=2, column=COLUMNS.index("car_number") + 1).value == "007"


def test_json_export_has_numbers_and_null_for_unknown_values(client):
    race = make_race()
    make_entry(race, car_number="", slug="unknown-car", position=None, laps=None)
    make_entry(race, car_number="9", position=1, laps=100, team=None)
    response = client.get(export_url(race, "json"))
    assert response["Content-Type"] == "application/json"
    first, second = json.loads(response.content)
    assert (first["position"], first["class_position"], first["laps"]) == (1, 1, 100)
    assert first["team"] is None
    assert second["car_number"] is None
    assert second["laps"] is None


def test_exports_include_retired_and_non_starters_with_reasons(client):
    race = make_race()
    make_entry(race, position=1)
    make_entry(race, position=2, status=Entry.Status.RETIRED, reason="engine")
    make_entry(race, status=Entry.Status.DID_NOT_START, laps=None)
    rows = json.loads(client.get(export_url(race, "json")).content)
    assert [(row["status"], row["reason"]) for row in rows] == [
        ("running", None),
        ("retired", "engine"),
        ("dns", None),
    ]


def test_exports_are_downloads_named_after_the_round(client, race):
    response = client.get(export_url(race, "xlsx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="alms-1999-r01-testville-results.xlsx"'
    )


def test_unknown_export_format_is_a_404(client, race):
    url = export_url(race, "csv").replace(".csv", ".xml")
    assert client.get(url).status_code == 404


def test_race_page_links_the_print_view_pdf_and_exports(client, race):
    response = client.get(race.get_absolute_url())
    kwargs = {"year": race.season.year, "slug": race.slug}
    assertContains(response, reverse("races:race-results-print", kwargs=kwargs))
    assertContains(response, reverse("races:race-results-pdf", kwargs=kwargs))
    for export_format in ("csv", "xlsx", "json"):
        assertContains(response, export_url(race, export_format))


def test_export_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries
):
    race = make_race()
    for position in range(1, 30):
        make_entry(race, "GT", position=position)
    # The race, its entries, their crews and their sources.
    with django_assert_max_num_queries(4):
        client.get(export_url(race, "csv"))
