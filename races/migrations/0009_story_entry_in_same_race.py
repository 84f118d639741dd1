"""A story's car must be in the story's race, enforced by the database.

A check constraint cannot look at another table, so this is a trigger, in
each database's own dialect. Model validation (Story.clean) gives editors
the same rule as a form error first.
"""

from django.db import migrations

MESSAGE = "story_entry_in_same_race: a story belongs to a car of its own race"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER story_entry_in_same_race_{event.split()[0].lower()}
    BEFORE {event} ON races_story
    WHEN (SELECT race_id FROM races_entry WHERE id = NEW.entry_id) IS NOT NEW.race_id
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
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
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
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


class Migration(migrations.Migration):
    dependencies = [("races", "0008_history_of_points_rules")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
