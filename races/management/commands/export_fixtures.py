"""Write the season data back to fixtures/ so editors' work can be committed.

The file uses natural keys only and a stable order (models in dependency
order, rows in each model's natural order), so a diff shows just what
changed, and one `loaddata` of it rebuilds the same data.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand

from races.fixtures import FIXTURE_NAME, models_in_dependency_order


class Command(BaseCommand):
    help = "Export the season data to fixtures/ with natural keys."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.FIXTURE_DIRS[0]) / f"{FIXTURE_NAME}.json",
            help="File to write (default: fixtures/%(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print how many rows would be written, write nothing.",
        )

    def handle(self, *args, output: Path, dry_run: bool, **options):
        objects = [
            obj
            for model in models_in_dependency_order()
            for obj in model._default_manager.order_by(*natural_order(model))
        ]
        if dry_run:
            self.stdout.write(f"Would write {len(objects)} rows to {output}.")
            return
        text = serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            ensure_ascii=False,
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(objects)} rows to {output}."))


def natural_order(model) -> list:
    """The model's own ordering, made total by its primary key."""
    return [*model._meta.ordering, "pk"]
