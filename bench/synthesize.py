"""Multiply the season data with synthetic copies, for the benchmark.

    DJANGO_SQLITE_PATH=var/bench/10x.sqlite3 .venv/bin/python bench/synthesize.py

Each copy is a whole season (races, regulations, entries, crews and
stories) in a later year, driven by its own copies of every driver, so
`--factor 10` gives ten times as many seasons, entries and drivers. The
copies are not history: run this only against a scratch SQLite database
(`make bench` uses var/bench/10x.sqlite3), never against the site's own.
"""

import argparse
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from almsweb.cache import bump_data_version  # noqa: E402
from races.models import (  # noqa: E402
    ClassCount,
    ClassRegulation,
    Crew,
    Driver,
    Entry,
    EntrySource,
    Race,
    RaceSource,
    Season,
    Story,
)


class Refused(Exception):
    """The database is not one to add synthetic seasons to."""


def copy_of(obj, **changes):
    """An unsaved copy of a row with some fields changed (foreign keys by id)."""
    fields = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }
    fields.update(changes)
    return type(obj)(**fields)


def add_synthetic_seasons(factor: int, *, dry_run: bool = False) -> str:
    """Copy every season until there is `factor` times the data; says what
    was added, or on a dry run what would be."""
    database = settings.DATABASES["default"]
    default_file = Path(settings.VAR_DIR) / "db.sqlite3"
    if database["ENGINE"] != "django.db.backends.sqlite3" or (
        Path(database["NAME"]).resolve() == default_file.resolve()
    ):
        raise Refused(
            "Refusing to add synthetic seasons to the site's database; "
            "set DJANGO_SQLITE_PATH to a scratch SQLite file."
        )
    if factor < 2:
        raise Refused("--factor must be 2 or more.")
    seasons = list(Season.objects.order_by("year"))
    if not seasons:
        raise Refused("No season to copy; load the fixtures first.")
    years = Season.objects.aggregate(first=Min("year"), last=Max("year"))
    span = years["last"] - years["first"] + 1
    if Season.objects.count() != span:
        raise Refused("The seasons are not consecutive years; copied once?")
    offsets = [span * copy for copy in range(1, factor)]
    if dry_run:
        return (
            f"Would add {len(offsets) * len(seasons)} seasons, "
            f"{len(offsets) * Entry.objects.count()} entries and "
            f"{len(offsets) * Driver.objects.count()} drivers."
        )
    with transaction.atomic():
        for offset in offsets:
            for season in seasons:
                copy_season(season, season.year + offset)
    # bulk_create sends no signals.
    bump_data_version()
    return (
        f"Now {Season.objects.count()} seasons, {Entry.objects.count()} "
        f"entries and {Driver.objects.count()} drivers."
    )


def copy_season(season: Season, year: int) -> None:
    new_season = copy_of(season, year=year)
    new_season.save()
    drivers = list(Driver.objects.filter(crews__entry__race__season=season).distinct())
    new_drivers = Driver.objects.bulk_create(
        copy_of(driver, slug=f"{driver.slug}-{year}") for driver in drivers
    )
    driver_ids = {old.pk: new.pk for old, new in zip(drivers, new_drivers, strict=True)}

    regulations = list(season.regulations.prefetch_related("example_cars"))
    new_regulations = ClassRegulation.objects.bulk_create(
        copy_of(regulation, season_id=new_season.pk) for regulation in regulations
    )
    ClassRegulation.example_cars.through.objects.bulk_create(
        ClassRegulation.example_cars.through(
            classregulation_id=new.pk, carmodel_id=car.pk
        )
        for old, new in zip(regulations, new_regulations, strict=True)
        for car in old.example_cars.all()
    )

    races = list(season.races.all())
    new_races = Race.objects.bulk_create(
        copy_of(race, season_id=new_season.pk) for race in races
    )
    race_ids = {old.pk: new.pk for old, new in zip(races, new_races, strict=True)}

    entries = list(Entry.objects.filter(race__season=season))
    new_entries = Entry.objects.bulk_create(
        copy_of(entry, race_id=race_ids[entry.race_id]) for entry in entries
    )
    entry_ids = {old.pk: new.pk for old, new in zip(entries, new_entries, strict=True)}

    Crew.objects.bulk_create(
        copy_of(
            crew,
            entry_id=entry_ids[crew.entry_id],
            driver_id=driver_ids[crew.driver_id],
        )
        for crew in Crew.objects.filter(entry__race__season=season)
    )
    Story.objects.bulk_create(
        copy_of(
            story,
            entry_id=entry_ids[story.entry_id],
        )
        for story in Story.objects.filter(entry__race__season=season)
    )
    EntrySource.objects.bulk_create(
        copy_of(link, entry_id=entry_ids[link.entry_id])
        for link in EntrySource.objects.filter(entry__race__season=season)
    )
    for model in (RaceSource, ClassCount):
        model.objects.bulk_create(
            copy_of(row, race_id=race_ids[row.race_id])
            for row in model.objects.filter(race__season=season)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--factor",
        type=int,
        default=10,
        help="How many times the data there should be afterwards (default 10).",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Say what would be added."
    )
    args = parser.parse_args()
    try:
        sys.stdout.write(
            add_synthetic_seasons(args.factor, dry_run=args.dry_run) + "\n"
        )
    except Refused as error:
        raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()
