"""Replace one race's classification with a results file (CSV or XLSX).

    manage.py import_results --season 2004 --round 2 02-mid-ohio.csv

Uses the column format of shared/data/alms2004/results. Every row is
checked before anything is written, and the import is all or nothing:
with one bad row, the command names it and the race is left as it was.
Entries are matched by slug and keep their stories (see
races.importing.ClassificationImport).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from races.importing import ClassificationImport
from races.models import Race
from races.uploads import RowError, read_table


class Command(BaseCommand):
    help = "Replace a race's classification with the rows of a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Results file, .csv or .xlsx.")
        parser.add_argument("--season", type=int, required=True, help="e.g. 2004")
        parser.add_argument("--round", type=int, required=True, dest="round_number")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything in memory; write nothing, take no write lock.",
        )

    def handle(self, *args, file: Path, season: int, round_number: int, **options):
        try:
            race = Race.objects.select_related("season").get(
                season__year=season, round_number=round_number
            )
        except Race.DoesNotExist:
            raise CommandError(
                f"The {season} season has no round {round_number}."
            ) from None
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        try:
            rows = read_table(file.name, file.read_bytes())
        except RowError as error:
            raise CommandError(str(error)) from None
        report = ClassificationImport(race, rows, source=file.name).run(
            dry_run=options["dry_run"]
        )
        if not report.is_valid:
            raise CommandError(
                f"Nothing imported into {race}:\n" + "\n".join(report.messages)
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run: {race} would get {report.summary}; nothing written."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{race}: {report.summary}."))
