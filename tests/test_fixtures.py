import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from races.fixtures import FIXTURE_NAME
from races.models import Race

from .constants import MID_OHIO, SEASON_YEAR
from .factories import add_full_field, make_classified_race, make_race

FIXTURE_FILE = settings.FIXTURE_DIRS[0] / f"{FIXTURE_NAME}.json"

pytestmark = pytest.mark.django_db


def mid_ohio():
    return Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])


def test_fixture_file_uses_natural_keys_only():
    objects = json.loads(FIXTURE_FILE.read_text())
    assert objects
    assert all("pk" not in obj for obj in objects)


def test_export_of_the_loaded_fixtures_reproduces_the_file(tmp_path):
    exported = tmp_path / "export.json"
    call_command("export_fixtures", output=exported, verbosity=0)
    assert exported.read_text() == FIXTURE_FILE.read_text()


def test_export_asks_as_many_queries_of_ten_times_the_cars(
    empty_database, tmp_path, django_assert_max_num_queries
):
    """The natural keys of each row and of the rows it points to are read
    with the rows, not a query per row."""
    make_classified_race()
    with CaptureQueriesContext(connection) as few_cars:
        call_command("export_fixtures", output=tmp_path / "few.json", verbosity=0)
    add_full_field(make_race(), 100)
    with django_assert_max_num_queries(len(few_cars)):
        call_command("export_fixtures", output=tmp_path / "many.json", verbosity=0)


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
