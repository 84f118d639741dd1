import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from races.classification import classify
from races.fixtures import FIXTURE_NAME
from races.models import CarClass, Race, Season, Story

FIXTURE_FILE = settings.FIXTURE_DIRS[0] / f"{FIXTURE_NAME}.json"

pytestmark = pytest.mark.django_db


def mid_ohio():
    return Race.objects.get(season__year=2004, slug="mid-ohio")


def test_fixtures_hold_nine_rounds_in_calendar_order():
    slugs = list(Race.objects.for_season(2004).values_list("slug", flat=True))
    assert slugs == [
        "sebring",
        "mid-ohio",
        "lime-rock",
        "sonoma",
        "portland",
        "mosport",
        "road-america",
        "petit-le-mans",
        "laguna-seca",
    ]


def test_fixtures_hold_four_classes_in_speed_order():
    assert list(CarClass.objects.values_list("code", flat=True)) == [
        "LMP1",
        "LMP2",
        "GTS",
        "GT",
    ]


def test_mid_ohio_is_complete_with_27_entries():
    race = mid_ohio()
    assert race.is_complete
    assert race.entries.count() == 27


def test_other_rounds_are_marked_partial():
    partial = Race.objects.exclude(slug="mid-ohio")
    assert partial.count() == 8
    assert all(not race.is_complete for race in partial)


def test_mid_ohio_winner_is_lehto_and_werner_in_the_38_audi():
    winner = mid_ohio().entries.get(position=1)
    assert winner.car_number == "38"
    assert str(winner.car_model) == "Audi R8"
    assert [d.last_name for d in winner.crew_drivers] == ["Lehto", "Werner"]
    assert winner.laps == 124


def test_mid_ohio_non_starters_have_no_laps():
    non_starters = mid_ohio().entries.filter(status="dns")
    assert {e.slug for e in non_starters} == {"weickardt-belloc", "krohn-maxwell"}
    assert all(e.laps is None for e in non_starters)


def test_mid_ohio_grid_positions_come_from_the_report():
    grid = dict(mid_ohio().entries.exclude(grid=None).values_list("car_number", "grid"))
    assert grid == {"16": 1, "38": 2, "20": 3, "": 4, "4": 5, "3": 6}


def test_mid_ohio_has_a_story_for_each_car_the_report_describes():
    stories = Story.objects.filter(race=mid_ohio())
    assert stories.count() == 15
    assert all(story.entry.race_id == story.race_id for story in stories)


def test_mid_ohio_class_positions_follow_the_report():
    rows = classify(mid_ohio().entries.for_results_table())
    by_position = {row.entry.position: row.class_position for row in rows}
    assert by_position[5] == 1  # LMP2 winner
    assert by_position[20] == 3  # Intersport LMP1, a distant third
    assert by_position[10] == 3  # #31 Porsche third in GT


def test_fixture_file_uses_natural_keys_only():
    objects = json.loads(FIXTURE_FILE.read_text())
    assert objects
    assert all("pk" not in obj for obj in objects)


def test_export_of_the_loaded_fixtures_reproduces_the_file(tmp_path):
    exported = tmp_path / "export.json"
    call_command("export_fixtures", output=exported, verbosity=0)
    assert exported.read_text() == FIXTURE_FILE.read_text()


def test_season_knows_its_sources():
    assert "Mid-Ohio" in Season.objects.get(year=2004).source_note


def test_fixture_file_holds_no_history():
    models = {obj["model"] for obj in json.loads(FIXTURE_FILE.read_text())}
    assert not any(".historical" in model for model in models)


@pytest.mark.slow
def test_fixtures_load_into_an_empty_database_losslessly(empty_database, tmp_path):
    call_command("loaddata", FIXTURE_NAME, verbosity=0)
    exported = tmp_path / "export.json"
    call_command("export_fixtures", output=exported, verbosity=0)
    assert exported.read_text() == FIXTURE_FILE.read_text()


def test_export_leaves_out_the_change_history(tmp_path):
    race = mid_ohio()
    race.name = "Edited"
    race.save()
    exported = tmp_path / "export.json"
    call_command("export_fixtures", output=exported, verbosity=0)
    models = {obj["model"] for obj in json.loads(exported.read_text())}
    assert "races.historicalrace" not in models
    assert "races.race" in models


def test_fixtures_hold_the_2004_points_rules():
    season = Season.objects.get(year=2004)
    assert season.minimum_distance_share == Decimal("0.70")
    assert season.is_team_best_car_only
    scales = dict(
        Race.objects.for_season(2004).values_list("slug", "points_scale__slug")
    )
    assert scales["sebring"] == scales["petit-le-mans"] == "endurance"
    assert scales["laguna-seca"] == "four-hour"
    assert {
        scales[slug]
        for slug in (
            "mid-ohio",
            "lime-rock",
            "sonoma",
            "portland",
            "mosport",
            "road-america",
        )
    } == {"standard"}
    race = Race.objects.get(slug="laguna-seca")
    assert race.points_scale.values == [23, 19, 16, 13, 11, 9, 7, 6, 5, 4]
