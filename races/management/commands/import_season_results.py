"""Import the results of every round of a season from a folder of files.

    manage.py import_season_results --season 2004 ../shared/data/alms2004

Reads results/NN-*.csv from a folder laid out like shared/data/alms2004 and
imports each file into round NN as `import_results` does: each round's
classification becomes the file's rows (cars matched by number, slug, or
class and crew), so race reports, stories, entry notes and class rules are
kept. Every round is imported or none is. To fill in a season from a new
pass of data without replacing anything, use `merge_season_data` (what
`make data` runs).
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from races.importing import ClassificationImport
from races.models import Race
from races.uploads import RowError, read_table

ROUND_FILE_NAME = re.compile(r"^(?P<round>\d+)-.*\.csv$")


class Command(BaseCommand):
    help = "Import every round's results of a season from a folder of CSV files."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="Folder with results/*.csv.")
        parser.add_argument("--season", type=int, required=True, help="e.g. 2004")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, write nothing."
        )

    def handle(self, *args, source: Path, season: int, dry_run: bool, **options):
        imports = self.imports(source, season)
        if dry_run:
            self.run_all(imports, dry_run=True)
            self.stdout.write(self.style.WARNING("Dry run: nothing written."))
            return
        with transaction.atomic():
            self.run_all(imports, dry_run=False)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(imports)} rounds of {season}.")
        )

    def imports(self, source: Path, season: int) -> list[ClassificationImport]:
        """One import per results file, each read and matched to its round."""
        files = sorted((source / "results").glob("*.csv"))
        if not files:
            raise CommandError(f"{source} has no results/*.csv")
        races = {
            race.round_number: race
            for race in Race.objects.for_season(season).select_related("season")
        }
        if not races:
            raise CommandError(f"The database holds no {season} season.")
        imports = []
        for path in files:
            match = ROUND_FILE_NAME.match(path.name)
            if not match:
                raise CommandError(f"{path.name} does not start with its round.")
            race = races.get(int(match["round"]))
            if race is None:
                raise CommandError(
                    f"{path.name}: the {season} season has no round {match['round']}."
                )
            try:
                rows = read_table(path.name, path.read_bytes())
            except RowError as error:
                raise CommandError(str(error)) from None
            imports.append(ClassificationImport(race, rows, source=path.name))
        return imports

    def run_all(self, imports: list[ClassificationImport], *, dry_run: bool) -> None:
        """Run every import; any refused row refuses them all."""
        problems = []
        for job in imports:
            report = job.run(dry_run=dry_run)
            if report.is_valid:
                self.stdout.write(f"{job.race}: {report.summary}")
            else:
                problems += [f"{job.source}, {message}" for message in report.messages]
        if problems:
            raise CommandError("Nothing imported:\n" + "\n".join(problems))
