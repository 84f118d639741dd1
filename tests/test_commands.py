from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from bench.synthesize import add_synthetic_seasons
from races.models import Driver, Entry, Race, Season, Story

from .constants import MID_OHIO, MID_OHIO_CSV, MID_OHIO_ROUND, SEASON_YEAR
from .factories import car_class, make_race, make_season

pytestmark = pytest.mark.django_db

HEADER = (
    "round,pos,class,class_pos,car_no,team,drivers,chassis,engine,tyre,laps,gap,"
    "status,grid,fastest_lap,src,xref\n"
)


def source_folder(tmp_path, *files):
    """A shared/data/alms2004-style folder holding these (name, text) results."""
    (tmp_path / "results").mkdir(parents=True)
    for name, text in files:
        (tmp_path / "results" / name).write_text(text)
    return tmp_path


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.slow
def test_load_fixtures_fills_an_empty_database(fresh_database):
    assert not Season.objects.exists()
    run("load_fixtures", verbosity=0)
    assert Race.objects.count() == 9


def test_load_fixtures_keeps_an_editors_change():
    race = Race.objects.get(slug="mid-ohio")
    race.name = "Edited by an editor"
    race.save()
    assert "not loading" in run("load_fixtures")
    race.refresh_from_db()
    assert race.name == "Edited by an editor"


def test_import_season_results_updates_a_round_from_csv(empty_database, tmp_path):
    race = make_race(season=make_season(1999), round_number=2)
    car_class("LMP1")
    car_class("GTS")
    folder = source_folder(
        tmp_path,
        (
            "02-mid-ohio.csv",
            HEADER
            + "2,1,LMP1,1,38,ADT Champion Racing,JJ Lehto / Marco Werner,Audi R8,,,"
            "124,,finished,2,,,\n"
            + "2,2,GTS,1,,,Weickardt / Belloc,Dodge Viper,,,,,DNS,,,,\n",
        ),
    )
    run("import_season_results", folder, season=1999)
    assert race.entries.count() == 2
    winner = race.entries.get(position=1)
    assert [d.full_name for d in winner.crew_drivers] == ["JJ Lehto", "Marco Werner"]
    assert race.entries.get(slug="weickardt-belloc").status == "dns"


def test_import_season_results_reimports_the_season_without_changing_it(tmp_path):
    folder = source_folder(
        tmp_path / "source", ("02-mid-ohio.csv", MID_OHIO_CSV.read_text())
    )
    fixture = tmp_path / "before.json"
    after = tmp_path / "after.json"
    run("export_fixtures", output=fixture)
    run("import_season_results", folder, season=2004)
    run("export_fixtures", output=after)
    assert after.read_text() == fixture.read_text()


def test_import_season_results_dry_run_writes_nothing(tmp_path):
    folder = source_folder(
        tmp_path,
        (
            "01-sebring.csv",
            HEADER + "1,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,350,,finished,,,,\n",
        ),
    )
    sebring = Race.objects.get(slug="sebring")
    entries = sebring.entries.count()
    before = Entry.history.count()
    out = run("import_season_results", folder, season=2004, dry_run=True)
    assert "removed entries" in out and "Dry run" in out
    assert Entry.history.count() == before
    assert sebring.entries.count() == entries


def test_import_season_results_names_the_bad_line_and_writes_nothing(tmp_path):
    folder = source_folder(
        tmp_path,
        ("02-mid-ohio.csv", MID_OHIO_CSV.read_text()),
        (
            "03-lime-rock.csv",
            HEADER
            + "3,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,,finished,,,,\n"
            + "3,2,LMP9,1,39,Team,A Driver,Audi R8,,,120,,finished,,,,\n",
        ),
    )
    before = Entry.history.count()
    with pytest.raises(CommandError, match="03-lime-rock.csv, line 3: class 'LMP9'"):
        run("import_season_results", folder, season=2004)
    assert Entry.history.count() == before


def test_import_season_results_refuses_a_season_the_database_does_not_hold(tmp_path):
    folder = source_folder(tmp_path, ("02-mid-ohio.csv", HEADER))
    with pytest.raises(CommandError, match="holds no 1999 season"):
        run("import_season_results", folder, season=1999)


def test_export_fixtures_dry_run_counts_rows(tmp_path):
    output = tmp_path / "out.json"
    assert "Would write" in run("export_fixtures", output=output, dry_run=True)
    assert not output.exists()


def test_create_editor_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-enough-pass-phrase")
    run("create_editor", "maria")
    user = User.objects.get(username="maria")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Editors").exists()
    assert user.check_password("a-long-enough-pass-phrase")


def test_create_editor_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError):
        run("create_editor", "weak")
    assert not User.objects.filter(username="weak").exists()


def test_create_editor_refuses_an_existing_username(monkeypatch, django_user_model):
    django_user_model.objects.create_user("taken")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a-long-enough-pass-phrase")
    with pytest.raises(CommandError, match="already exists"):
        run("create_editor", "taken")


def test_import_results_dry_run_checks_and_writes_nothing():
    before = Entry.history.count()
    out = run(
        "import_results",
        MID_OHIO_CSV,
        season=SEASON_YEAR,
        round_number=MID_OHIO_ROUND,
        dry_run=True,
    )
    assert "27 updated" in out and "nothing written" in out
    assert Entry.history.count() == before


def test_import_results_reimports_a_round_without_changing_it(tmp_path):
    fixture = tmp_path / "before.json"
    after = tmp_path / "after.json"
    run("export_fixtures", output=fixture)
    run("import_results", MID_OHIO_CSV, season=SEASON_YEAR, round_number=MID_OHIO_ROUND)
    run("export_fixtures", output=after)
    assert after.read_text() == fixture.read_text()


def test_import_results_names_the_bad_row_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "2,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,,finished,,,,\n"
        + "2,2,LMP9,1,39,Team,A Driver,Audi R8,,,120,,finished,,,,\n"
    )
    race = Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])
    with pytest.raises(CommandError, match="line 3: class 'LMP9'"):
        run("import_results", bad, season=SEASON_YEAR, round_number=MID_OHIO_ROUND)
    assert race.entries.count() == 27


def test_import_results_refuses_an_unknown_round():
    with pytest.raises(CommandError, match="no round 12"):
        run("import_results", MID_OHIO_CSV, season=SEASON_YEAR, round_number=12)


@pytest.mark.slow
def test_load_fixtures_gives_every_row_a_first_history_record(fresh_database):
    run("load_fixtures", verbosity=0)
    race = Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])
    assert race.history.count() == 1


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="bench/synthesize.py writes SQLite only"
)


@sqlite_only
def test_synthesize_seasons_multiplies_seasons_entries_and_drivers():
    entries, drivers = Entry.objects.count(), Driver.objects.count()
    add_synthetic_seasons(factor=3)
    assert list(Season.objects.values_list("year", flat=True)) == [2006, 2005, 2004]
    assert Entry.objects.count() == 3 * entries
    assert Driver.objects.count() == 3 * drivers
    copy = Race.objects.get(season__year=2006, slug="mid-ohio")
    assert copy.entries.count() == 27
    original = Race.objects.get(season__year=2004, slug="mid-ohio")
    assert (
        Story.objects.filter(entry__race=copy).count()
        == Story.objects.filter(entry__race=original).count()
    )


@sqlite_only
def test_synthesize_seasons_dry_run_writes_nothing():
    assert "Would add 9 seasons" in add_synthetic_seasons(factor=10, dry_run=True)
    assert Season.objects.count() == 1
