import io

import openpyxl
import pytest

from races.importing import ClassificationImport
from races.models import Entry, Race, Story
from races.uploads import RowError, read_table

from .factories import make_entry, make_race, make_story

pytestmark = pytest.mark.django_db

HEADER = (
    "round,pos,class,class_pos,car_no,team,drivers,chassis,engine,tyre,laps,gap,"
    "status,grid,fastest_lap,src,xref\n"
)
WINNER = "1,1,LMP1,1,38,Team,JJ Lehto / Marco Werner,Audi R8,,,124,,finished,,,,\n"
SECOND = "1,2,LMP1,2,20,Team,Chris Dyson,Audi R8,,,120,,finished,,,,\n"


def rows(*lines):
    return read_table("results.csv", (HEADER + "".join(lines)).encode())


def snapshot(race):
    return list(race.entries.order_by("pk").values_list("slug", "position", "laps"))


def test_import_with_one_bad_row_writes_nothing_and_names_the_row():
    race = make_race()
    make_entry(race, car_number="7", position=1)
    before = snapshot(race)
    bad = "1,2,LMP1,2,20,Team,Chris Dyson,Audi R8,,,many,,finished,,,,\n"
    report = ClassificationImport(race, rows(WINNER, bad)).run()
    assert report.messages == ["line 3: laps must be a whole number, not 'many'"]
    assert snapshot(race) == before


def test_import_replaces_the_classification():
    race = make_race()
    make_entry(race, car_number="7", position=1)
    report = ClassificationImport(race, rows(WINNER, SECOND)).run()
    assert report.is_written
    assert snapshot(race) == [("38", 1, 124), ("20", 2, 120)]
    assert [d.last_name for d in race.entries.get(slug="38").crew_drivers] == [
        "Lehto",
        "Werner",
    ]


def test_import_dry_run_writes_nothing():
    race = make_race()
    report = ClassificationImport(race, rows(WINNER)).run(dry_run=True)
    assert report.is_valid and not report.is_written
    assert not race.entries.exists()


def test_import_refuses_to_lose_a_story_and_names_it():
    race = make_race()
    make_entry(race, car_number="38", position=1)
    make_story(make_entry(race, car_number="20", position=2), headline="Second")
    report = ClassificationImport(race, rows(WINNER)).run()
    assert not report.is_valid
    assert any(
        message.startswith('The story "') and "car 20 would be lost" in message
        for message in report.errors
    )


def test_import_updates_a_matched_entry_in_place_keeping_its_story():
    race = make_race()
    entry = make_entry(race, car_number="38", position=1, laps=100)
    Story.objects.create(entry=entry, headline="Won", body="B")
    report = ClassificationImport(race, rows(WINNER)).run()
    assert report.is_written and report.updated == 1
    entry.refresh_from_db()
    assert entry.laps == 124
    assert entry.story.headline == "Won"


def test_import_reports_a_position_used_twice_on_both_lines():
    race = make_race()
    report = ClassificationImport(
        race, rows(WINNER, SECOND.replace("1,2,", "1,1,", 1))
    ).run()
    assert report.messages == [
        "line 2: Position 1 is used by #38 and #20.",
        "line 3: Position 1 is used by #38 and #20.",
    ]


def test_import_refuses_a_gap_in_a_complete_classification():
    race = make_race(completeness=Race.Completeness.COMPLETE)
    report = ClassificationImport(
        race, rows(WINNER, SECOND.replace("1,2,", "1,3,"))
    ).run()
    assert report.errors[0].startswith("Position 2 is missing")


def test_import_accepts_a_gap_in_a_partial_classification():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    report = ClassificationImport(
        race, rows(WINNER, SECOND.replace("1,2,", "1,3,"))
    ).run()
    assert report.is_written


def test_import_refuses_more_laps_than_the_winner():
    race = make_race()
    report = ClassificationImport(
        race, rows(WINNER, SECOND.replace(",120,", ",130,"))
    ).run()
    assert report.messages == [
        "line 3: #20 has 130 laps, more than the winner #38 (124)."
    ]


def test_import_refuses_rows_of_another_round():
    race = make_race()
    report = ClassificationImport(race, rows(WINNER.replace("1,", "5,", 1))).run()
    assert report.messages[0].startswith("line 2: this row is for round 5")


def test_read_table_reads_an_excel_workbook():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([1, 1, "LMP1", 1, 38, "Team", "JJ Lehto", "Audi R8", None, None, 124])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (row,) = read_table("results.xlsx", buffer.getvalue())
    assert row["car_no"] == "38" and row["laps"] == "124" and row["_line"] == 2


def test_read_table_names_missing_columns():
    with pytest.raises(RowError, match="has no column laps"):
        read_table("x.csv", HEADER.replace("laps,", "").encode())


def test_import_reads_a_non_starter_without_laps():
    race = make_race()
    status_dns = WINNER.replace("finished", "DNS").replace(",124,", ",,")
    report = ClassificationImport(race, rows(status_dns)).run()
    assert report.is_written
    assert race.entries.get().status == Entry.Status.DID_NOT_START
