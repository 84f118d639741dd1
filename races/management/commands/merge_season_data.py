"""Merge a new pass of season data into the site, keeping everything it has.

    manage.py merge_season_data --season 2004 ../shared/data/alms2004

Reads SOURCES.md, race_facts.csv and results/NN-*.csv from a folder laid out
like shared/data/alms2004 and fills in what the site does not know yet
(races/merging.py says how). Values the site already holds are kept and
listed where the folder differs. Run it again and nothing changes. `make
data` runs it over fixtures/, loaded into a scratch database, and exports
the result back to fixtures/.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from races.merging import MergeError, SeasonMerge
from races.models import Season


class Command(BaseCommand):
    help = "Fill in a season from a data folder, keeping what the site holds."

    def add_arguments(self, parser):
        parser.add_argument(
            "source", type=Path, help="Folder with SOURCES.md, results/."
        )
        parser.add_argument("--season", type=int, required=True, help="e.g. 2004")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, write nothing."
        )

    def handle(self, *args, source: Path, season: int, dry_run: bool, **options):
        found = Season.objects.filter(year=season).first()
        if found is None:
            raise CommandError(f"The database holds no {season} season.")
        try:
            report = SeasonMerge(found, source).run(dry_run=dry_run)
        except MergeError as error:
            raise CommandError("Nothing merged:\n" + str(error)) from None
        self.stdout.write(
            f"Sources: {len(report.sources_added)} added, "
            f"{len(report.sources_filled)} filled in."
        )
        for item in report.rounds:
            self.stdout.write(item.summary)
        if report.conflicts:
            self.stdout.write(
                self.style.WARNING(
                    "Kept the site's value where the folder differs "
                    "(settle these in the admin):"
                )
            )
            for conflict in report.conflicts:
                self.stdout.write(f"  {conflict}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing written."))
        elif not report.changed:
            self.stdout.write(
                self.style.SUCCESS("Nothing new: the site is up to date.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Merged into the {season} season."))
