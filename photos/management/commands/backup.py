"""Write the database and the uploaded media to one archive."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from photos.backup import write_archive


def default_archive() -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    return settings.VAR_DIR / "backups" / f"almsweb-{stamp}.tar.gz"


class Command(BaseCommand):
    help = (
        "Write the database (SQLite, copied safely while the site runs) and "
        "var/media to one .tar.gz archive; `restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The archive to write (default: var/backups/almsweb-<time>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        archive = output or default_archive()
        database = None
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            self.stdout.write(
                self.style.WARNING("The database is in memory: it is not archived.")
            )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            database = connection.connection
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"The database is {connection.vendor}, not SQLite: it is not in "
                    "the archive. Back it up with pg_dump (see the README)."
                )
            )
        manifest = write_archive(
            archive, database=database, media_root=Path(settings.MEDIA_ROOT)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {archive}: database {manifest['database']}, "
                f"{manifest['media_files']} media files."
            )
        )
