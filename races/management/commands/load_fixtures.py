"""Load fixtures/ into the database, but only when it holds no season yet.

`make run` calls this on every start; an editor's changes in the database
are never overwritten by the committed fixtures.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from races.fixtures import FIXTURE_NAME
from races.history import record_current_state
from races.models import Season


class Command(BaseCommand):
    help = "Load fixtures/ into an empty database; leave existing data alone."

    def handle(self, *args, **options):
        if Season.objects.exists():
            self.stdout.write("The database already holds season data; not loading.")
            return
        call_command("loaddata", FIXTURE_NAME, verbosity=options["verbosity"])
        # loaddata records no history; a first record of every row lets an
        # editor revert their first change too.
        record_current_state()
