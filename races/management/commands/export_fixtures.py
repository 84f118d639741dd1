"""Write the season data back to fixtures/ so editors' work can be committed.

The file uses natural keys only and a stable order (models in dependency
order, rows in each model's natural order), so a diff shows just what
changed, and one `loaddata` of it rebuilds the same data.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db.models.constants import LOOKUP_SEP

from races.fixtures import FIXTURE_NAME, models_in_dependency_order
from races.models import NaturalKeyModel


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
            obj for model in models_in_dependency_order() for obj in rows_of(model)
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


def rows_of(model):
    """The model's rows in their natural order, with the rows their natural
    keys go through."""
    rows = model._default_manager.order_by(*natural_order(model))
    if paths := natural_key_paths(model):
        rows = rows.select_related(*paths)
    return rows


def natural_order(model) -> list:
    """The model's own ordering, made total by its primary key."""
    return [*model._meta.ordering, "pk"]


def natural_key_paths(model) -> list[str]:
    """The foreign keys that the natural keys of a row and of the rows it
    points to go through ("race", "race__season"), read with the row rather
    than one query per row and key."""
    paths = set(foreign_keys_of(model.NATURAL_KEY))
    for field in model._meta.concrete_fields:
        if field.many_to_one and issubclass(field.related_model, NaturalKeyModel):
            paths.add(field.name)
            paths.update(
                f"{field.name}{LOOKUP_SEP}{path}"
                for path in foreign_keys_of(field.related_model.NATURAL_KEY)
            )
    return sorted(paths)


def foreign_keys_of(lookups) -> list[str]:
    """("race__season__year", "slug") -> ["race__season"]"""
    return [
        LOOKUP_SEP.join(parts[:-1])
        for parts in (lookup.split(LOOKUP_SEP) for lookup in lookups)
        if len(parts) > 1
    ]
