"""Build the 2004 season in an empty database from the shared source files.

Reads calendar.csv and results/*.csv from a folder laid out like
shared/data/alms2004, adds the editorial content of races.seed_2004, and
writes everything in one transaction. `make data` runs it on a scratch
database and then `export_fixtures`, which is how `fixtures/` was made.
"""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from races import seed_2004
from races.classification import known_prefix_end
from races.importing import EntryBuilder, RowError, read_classification
from races.models import (
    CarClass,
    Circuit,
    ClassRegulation,
    PointsScale,
    Race,
    Season,
    Story,
)

YEAR = 2004


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


class Command(BaseCommand):
    help = "Build the 2004 season from a shared/data/alms2004-style folder."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="Folder with calendar.csv.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, write nothing."
        )

    def handle(self, *args, source: Path, dry_run: bool, **options):
        if not (source / "calendar.csv").exists():
            raise CommandError(f"{source} has no calendar.csv")
        if Season.objects.filter(year=YEAR).exists():
            raise CommandError(f"The database already holds the {YEAR} season.")
        try:
            with transaction.atomic():
                self.build(source)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing written."))
        except RowError as error:
            raise CommandError(str(error)) from None
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported the {YEAR} season."))

    def build(self, source: Path):
        season = Season.objects.create(
            year=YEAR,
            source_note=seed_2004.SEASON_SOURCE_NOTE,
            minimum_distance_share=Decimal(seed_2004.MINIMUM_DISTANCE_SHARE),
            is_team_best_car_only=seed_2004.IS_TEAM_BEST_CAR_ONLY,
        )
        scales = self.create_points_scales(season)
        self.create_classes(season)
        with (source / "calendar.csv").open(newline="", encoding="utf-8") as handle:
            calendar = list(csv.DictReader(handle))
        results = {int(path.name[:2]): path for path in source.glob("results/*.csv")}
        builder = EntryBuilder()
        for row in calendar:
            race = self.create_race(season, row, scales)
            path = results.get(race.round_number)
            if path:
                self.create_entries(builder, race, path)
        self.create_stories(season)

    def create_classes(self, season):
        for code, name, order, colour in seed_2004.CLASSES:
            car_class = CarClass.objects.create(
                code=code, name=name, display_order=order, colour=colour
            )
            facts = dict(seed_2004.REGULATIONS[code])
            examples = facts.pop("example_cars")
            regulation = ClassRegulation.objects.create(
                season=season, car_class=car_class, **facts
            )
            builder = EntryBuilder()
            cars = [builder.car_model(f"{make} {model}") for make, model in examples]
            builder.save_planned()
            regulation.example_cars.set(cars)

    def create_points_scales(self, season) -> dict[str, PointsScale]:
        scales = {}
        for slug, name, points in seed_2004.POINTS_SCALES:
            scale = PointsScale(season=season, slug=slug, name=name, points=points)
            scale.full_clean()
            scale.save()
            scales[slug] = scale
        return scales

    def create_race(self, season, row, scales) -> Race:
        circuit_slug = slugify(row["circuit"])
        circuit, _ = Circuit.objects.get_or_create(
            slug=circuit_slug,
            defaults={
                "name": row["circuit"],
                "city": row["city"],
                "region": row["state_province"],
                "country": row["country"],
                "length_mi": Decimal(row["track_length_mi"])
                if row["track_length_mi"]
                else None,
                "turns": int(row["turns"]) if row["turns"] else None,
                "length_note": seed_2004.CIRCUIT_NOTES.get(circuit_slug, ""),
            },
        )
        round_number = int(row["round"])
        facts = seed_2004.ROUNDS[round_number]
        duration = None
        if "duration_hours" in facts:
            duration = datetime.timedelta(hours=facts["duration_hours"])
        elif "duration_minutes" in facts:
            duration = datetime.timedelta(minutes=facts["duration_minutes"])
        return Race.objects.create(
            season=season,
            round_number=round_number,
            slug=facts["slug"],
            short_name=facts["short_name"],
            name=row["race_name"],
            alternative_names=row["alt_names"],
            circuit=circuit,
            held_on=datetime.date.fromisoformat(row["date"]),
            race_length=row["duration_or_distance"],
            duration=duration,
            distance_mi=facts.get("distance_mi"),
            summary=facts["summary"],
            status=Race.Status.PROVISIONAL,
            completeness=(
                Race.Completeness.COMPLETE
                if round_number == 2
                else Race.Completeness.PARTIAL
            ),
            reported_starters=facts["reported_starters"],
            source_note=facts["source_note"],
            points_scale=scales[facts["points_scale"]],
        )

    def create_entries(self, builder, race, path):
        rows = read_classification(path)
        known_up_to = known_prefix_end(row.position for row in rows)
        for row in rows:
            note = seed_2004.ENTRY_NOTES.get((race.round_number, row.slug))
            if note:
                row.notes.append(note)
            builder.create_entry(race, row, known_up_to=known_up_to)
        self.stdout.write(f"Round {race.round_number}: {len(rows)} entries")

    def create_stories(self, season):
        race = season.races.get(round_number=2)
        entries = {entry.slug: entry for entry in race.entries.all()}
        for slug, (headline, body) in seed_2004.MID_OHIO_STORIES.items():
            if slug not in entries:
                self.stdout.write(
                    self.style.WARNING(f"No Mid-Ohio car {slug!r}; story skipped.")
                )
                continue
            story = Story(entry=entries[slug], headline=headline, body=body)
            story.full_clean()
            story.save()
