"""`make run` loads fixtures/ only into a database that has never held a season."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from races.fixtures import models_in_dependency_order
from races.models import DatabaseMarker, Race, Season

from .constants import MID_OHIO, SEASON_YEAR
from .factories import make_driver, make_season

pytestmark = pytest.mark.django_db

marker_migration = importlib.import_module("races.migrations.0012_database_marker")


def load_fixtures(*args) -> str:
    out = StringIO()
    call_command("load_fixtures", *args, stdout=out)
    return out.getvalue()


def delete_every_season_row():
    """What an editor who deletes every race and then the season leaves behind."""
    for model in reversed(models_in_dependency_order()):
        model._default_manager.all().delete()


@pytest.mark.slow
def test_fixtures_load_into_a_database_that_never_held_a_season(fresh_database):
    load_fixtures()
    assert Race.objects.count() == 9
    assert DatabaseMarker.objects.has_held_a_season()


def test_fixtures_do_not_reload_into_a_loaded_database():
    race = Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])
    race.name = "Edited by an editor"
    race.save()
    assert "not loading" in load_fixtures()
    race.refresh_from_db()
    assert race.name == "Edited by an editor"


@pytest.mark.slow
def test_fixtures_do_not_reload_after_an_editor_deleted_every_season():
    # The session's database holds fixtures/, loaded as load_fixtures does.
    delete_every_season_row()
    message = load_fixtures()
    assert not Season.objects.exists()
    assert "--force" in message


def test_database_editors_built_from_scratch_and_emptied_gets_no_fixtures(
    fresh_database,
):
    make_season(1999)
    delete_every_season_row()
    load_fixtures()
    assert not Season.objects.exists()


def test_marker_is_left_out_of_the_exported_fixtures():
    assert DatabaseMarker not in models_in_dependency_order()


@pytest.mark.slow
def test_force_reloads_fixtures_into_an_emptied_database():
    delete_every_season_row()
    load_fixtures("--force")
    assert Race.objects.count() == 9


def test_force_refuses_a_database_that_holds_a_season():
    with pytest.raises(CommandError, match="holds season data"):
        load_fixtures("--force")
    assert Season.objects.count() == 1


def test_force_refuses_a_database_that_holds_any_season_data(empty_database):
    make_driver("Editor's own driver")
    with pytest.raises(CommandError, match="holds season data"):
        load_fixtures("--force")
    assert not Season.objects.exists()


def test_migration_marks_a_database_that_already_holds_a_season():
    DatabaseMarker.objects.all().delete()
    marker_migration.mark_a_database_that_holds_a_season(apps, schema_editor=None)
    assert DatabaseMarker.objects.has_held_a_season()


def test_migration_leaves_a_database_without_seasons_unmarked(fresh_database):
    marker_migration.mark_a_database_that_holds_a_season(apps, schema_editor=None)
    assert not DatabaseMarker.objects.has_held_a_season()
