"""Load fixtures/ into a database that has never held a season.

`make run` calls this on every start. A database records the first season
ever stored in it (see DatabaseMarker), so fixtures/ are never loaded over
editors' work, not even after the editors deleted every race and the season.
`--force` loads them into such an emptied database when the operator wants
the 2004 season back.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from races.fixtures import FIXTURE_NAME, holds_season_data, models_in_dependency_order
from races.history import record_current_state
from races.models import DatabaseMarker
from races.natural_keys import rows_remembered


class Command(BaseCommand):
    help = "Load fixtures/ into a database that has never held a season."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load into a database that held a season once but holds no season "
            "data now. Refused while any season data is present.",
        )

    def handle(self, *args, force: bool, **options):
        if holds_season_data():
            if force:
                raise CommandError(
                    "The database holds season data: --force loads fixtures/ only "
                    "into an empty database, never over editors' work."
                )
            self.stdout.write("The database already holds season data; not loading.")
            return
        if DatabaseMarker.objects.has_held_a_season() and not force:
            self.stdout.write(
                self.style.WARNING(
                    "The database held a season before and its season data was "
                    "deleted since; not loading fixtures/ over that. To load them "
                    "anyway: manage.py load_fixtures --force"
                )
            )
            return
        with transaction.atomic(), rows_remembered(models_in_dependency_order()):
            call_command("loaddata", FIXTURE_NAME, verbosity=options["verbosity"])
            # loaddata records no history; a first record of every row lets
            # an editor revert their first change too.
            record_current_state()
