"""Slugs are never empty: repair rows that have one, then forbid it.

An empty slug broke every page linking the row (NoReverseMatch). The repair
gives such a row a readable slug made from its name, unique where the slug
must be, or a word such as 'team' (numbered if taken) when the name has no
letter or digit. The helpers are copies of races.slugs, as a migration must
not import live app code.
"""

import itertools

from django.db import migrations, models
from django.utils.text import slugify

SLUG_MAX_LENGTH = 50
# Model name -> the word a slug falls back to.
FALLBACKS = {
    "circuit": "circuit",
    "manufacturer": "make",
    "carmodel": "car",
    "team": "team",
    "driver": "driver",
    "race": "race",
    "entry": "car",
    "pointsscale": "scale",
}
# Models whose slug is unique within a parent row, not in the whole table.
SCOPES = {"race": "season_id", "entry": "race_id", "pointsscale": "season_id"}


# SQLite adds a constraint by copying the table, which fails while a trigger
# of another table names it: 0009's story trigger is dropped meanwhile
# (copied from 0009_story_entry_in_same_race).
STORY_TRIGGER_MESSAGE = (
    "story_entry_in_same_race: a story belongs to a car of its own race"
)
SQLITE_CREATE_STORY_TRIGGERS = [
    f"""
    CREATE TRIGGER story_entry_in_same_race_{event.split()[0].lower()}
    BEFORE {event} ON races_story
    WHEN (SELECT race_id FROM races_entry WHERE id = NEW.entry_id) IS NOT NEW.race_id
    BEGIN SELECT RAISE(ABORT, '{STORY_TRIGGER_MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE OF race_id, entry_id")
]
SQLITE_DROP_STORY_TRIGGERS = [
    "DROP TRIGGER IF EXISTS story_entry_in_same_race_insert;",
    "DROP TRIGGER IF EXISTS story_entry_in_same_race_update;",
]


def on_sqlite(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


drop_story_triggers = on_sqlite(SQLITE_DROP_STORY_TRIGGERS)
create_story_triggers = on_sqlite(SQLITE_CREATE_STORY_TRIGGERS)


def unique_slug(name, fallback, is_taken):
    base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or fallback
    if not is_taken(base):
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if not is_taken(candidate):
            return candidate


def row_name(model_name, row):
    if model_name == "carmodel":
        return f"{row.manufacturer.name} {row.name}"
    if model_name == "driver":
        return f"{row.first_name} {row.last_name}"
    if model_name == "race":
        return row.short_name or row.name
    if model_name == "entry":
        if row.car_number:
            return row.car_number
        return " ".join(
            member.driver.last_name for member in row.crew.order_by("order")
        )
    return row.name


def repair_slugs(apps, schema_editor):
    """Give every row with an empty slug a readable, unique one."""
    for model_name, fallback in FALLBACKS.items():
        model = apps.get_model("races", model_name)
        for row in model._default_manager.filter(slug=""):
            others = model._default_manager.exclude(pk=row.pk)
            if model_name in SCOPES:
                scope = SCOPES[model_name]
                others = others.filter(**{scope: getattr(row, scope)})
            row.slug = unique_slug(
                row_name(model_name, row),
                fallback,
                lambda slug, others=others: others.filter(slug=slug).exists(),
            )
            row.save(update_fields=["slug"])


class Migration(migrations.Migration):
    # PostgreSQL refuses to alter a table in the transaction that updated its
    # rows ("pending trigger events"): the repair commits first.
    atomic = False

    dependencies = [
        ('races', '0010_edit_versions'),
    ]

    operations = [
        migrations.RunPython(repair_slugs, migrations.RunPython.noop),
        migrations.RunPython(drop_story_triggers, create_story_triggers),
        migrations.AddConstraint(
            model_name='carmodel',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='carmodel_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='circuit',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='circuit_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='driver',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='driver_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='entry_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='manufacturer',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='manufacturer_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='pointsscale',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='pointsscale_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='race',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='race_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.AddConstraint(
            model_name='team',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='team_slug_not_empty', violation_error_message='The slug cannot be empty.'),
        ),
        migrations.RunPython(create_story_triggers, drop_story_triggers),
    ]
