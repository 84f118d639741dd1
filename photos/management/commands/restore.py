"""Read back an archive written by `backup`: the database and the media."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from almsweb.cache import bump_data_version
from photos.backup import BackupError, read_archive


class Command(BaseCommand):
    help = (
        "Replace the database (SQLite) and var/media with those of an archive "
        "written by `backup`. Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace without asking (the current data is lost).",
        )

    def handle(self, *args, archive, yes=False, **options):
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        database_path = None
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if connection.is_in_memory_db():
                raise CommandError("The database is in memory: nothing to restore to.")
            database_path = Path(name)
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"The database is {connection.vendor}: only the media files are "
                    "restored. Restore the database with pg_restore."
                )
            )
        if not yes:
            answer = input(
                f"Replace the database and {settings.MEDIA_ROOT} with {archive}? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was changed.")
        connections.close_all()
        try:
            manifest = read_archive(
                archive,
                database_path=database_path,
                media_root=Path(settings.MEDIA_ROOT),
            )
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        bump_data_version()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive} (written {manifest['created_at']}): database "
                f"{manifest['database']}, {manifest['media_files']} media files."
            )
        )
