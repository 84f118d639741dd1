"""Multiply the season data with synthetic copies, for the benchmark.

Each copy is a whole season (races, regulations, entries, crews and
stories) in a later year, driven by its own copies of every driver, so
`--factor 10` gives ten times as many seasons, entries and drivers. The
copies are not history: run this only against a scratch SQLite database
(`make bench` uses var/bench/10x.sqlite3), never against the site's own.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max, Min

from almsweb.cache import bump_data_version
from races.models import ClassRegulation, Crew, Driver, Entry, Race, Season, Story


def copy_of(obj, **changes):
    """An unsaved copy of a row with some fields changed (foreign keys by id)."""
    fields = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }
    fields.update(changes)
    return type(obj)(**fields)


class Command(BaseCommand):
    help = "Add synthetic copies of the seasons to a scratch database (benchmark)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=int,
            default=10,
            help="How many times the data there should be afterwards (default 10).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be added."
        )

    def handle(self, *args, factor: int, dry_run: bool, **options):
        database = settings.DATABASES["default"]
        default_file = Path(settings.VAR_DIR) / "db.sqlite3"
        if database["ENGINE"] != "django.db.backends.sqlite3" or (
            Path(database["NAME"]).resolve() == default_file.resolve()
        ):
            raise CommandError(
                "Refusing to add synthetic seasons to the site's database; "
                "set DJANGO_SQLITE_PATH to a scratch SQLite file."
            )
        if factor < 2:
            raise CommandError("--factor must be 2 or more.")
        seasons = list(Season.objects.order_by("year"))
        if not seasons:
            raise CommandError("No season to copy; load the fixtures first.")
        years = Season.objects.aggregate(first=Min("year"), last=Max("year"))
        span = years["last"] - years["first"] + 1
        if Season.objects.count() != span:
            raise CommandError("The seasons are not consecutive years; copied once?")
        offsets = [span * copy for copy in range(1, factor)]
        if dry_run:
            self.stdout.write(
                f"Would add {len(offsets) * len(seasons)} seasons, "
                f"{len(offsets) * Entry.objects.count()} entries and "
                f"{len(offsets) * Driver.objects.count()} drivers."
            )
            return
        with transaction.atomic():
            for offset in offsets:
                for season in seasons:
                    self.copy_season(season, season.year + offset)
        # bulk_create sends no signals.
        bump_data_version()
        self.stdout.write(
            self.style.SUCCESS(
                f"Now {Season.objects.count()} seasons, {Entry.objects.count()} "
                f"entries and {Driver.objects.count()} drivers."
            )
        )

    def copy_season(self, season: Season, year: int) -> None:
        new_season = copy_of(season, year=year)
        new_season.save()
        drivers = list(
            Driver.objects.filter(crews__entry__race__season=season).distinct()
        )
        new_drivers = Driver.objects.bulk_create(
            copy_of(driver, slug=f"{driver.slug}-{year}") for driver in drivers
        )
        driver_ids = {
            old.pk: new.pk for old, new in zip(drivers, new_drivers, strict=True)
        }

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
        entry_ids = {
            old.pk: new.pk for old, new in zip(entries, new_entries, strict=True)
        }

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
