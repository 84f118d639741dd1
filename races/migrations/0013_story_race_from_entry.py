"""A story's race is its car's race: the repeated column and its triggers go.

Story.race repeated entry.race, and the triggers of
0009_story_entry_in_same_race kept the two equal. Story.race is now a
property reading entry.race, so there is nothing left to keep equal.

Going back re-creates the column, fills it from each story's car and makes
the triggers again (copied from 0009). Historical stories get no race back.
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGGER_MESSAGE = "story_entry_in_same_race: a story belongs to a car of its own race"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER story_entry_in_same_race_{event.split()[0].lower()}
    BEFORE {event} ON races_story
    WHEN (SELECT race_id FROM races_entry WHERE id = NEW.entry_id) IS NOT NEW.race_id
    BEGIN SELECT RAISE(ABORT, '{TRIGGER_MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE OF race_id, entry_id")
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS story_entry_in_same_race_insert;",
    "DROP TRIGGER IF EXISTS story_entry_in_same_race_update;",
]

POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION races_story_entry_in_same_race() RETURNS trigger AS $$
    BEGIN
      IF (SELECT race_id FROM races_entry WHERE id = NEW.entry_id)
         IS DISTINCT FROM NEW.race_id THEN
        RAISE EXCEPTION '{TRIGGER_MESSAGE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER story_entry_in_same_race
    BEFORE INSERT OR UPDATE OF race_id, entry_id ON races_story
    FOR EACH ROW EXECUTE FUNCTION races_story_entry_in_same_race();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS story_entry_in_same_race ON races_story;",
    "DROP FUNCTION IF EXISTS races_story_entry_in_same_race();",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def fill_race_from_entry(apps, schema_editor):
    Story = apps.get_model("races", "Story")
    Entry = apps.get_model("races", "Entry")
    Story.objects.update(
        race_id=models.Subquery(
            Entry.objects.filter(pk=models.OuterRef("entry_id")).values("race_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [("races", "0012_database_marker")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
        ),
        # Nullable first, so that going back can add the column before filling it.
        migrations.AlterField(
            model_name="story",
            name="race",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="stories",
                to="races.race",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_race_from_entry),
        migrations.RemoveField(model_name="historicalstory", name="race"),
        migrations.RemoveField(model_name="story", name="race"),
        migrations.AlterModelOptions(
            name="story",
            options={
                "ordering": ["entry__race", "entry__position"],
                "verbose_name_plural": "stories",
            },
        ),
    ]
