"""The database records, once, that it has held a season.

`load_fixtures` (run by every `make run`) loads fixtures/ only into a
database that never held one. Counting rows cannot tell a new database from
one whose editors deleted every race and then the season, so a trigger on
races_season writes a marker row the first time any season is stored, by
whatever path. A database that already holds a season is marked here.
"""

import django.db.models.functions.datetime
from django.db import migrations, models

HELD_A_SEASON = "held-a-season"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER season_marks_database
    AFTER INSERT ON races_season
    BEGIN
      INSERT OR IGNORE INTO races_databasemarker (name) VALUES ('{HELD_A_SEASON}');
    END;
    """
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS season_marks_database;"]

POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION races_season_marks_database() RETURNS trigger AS $$
    BEGIN
      INSERT INTO races_databasemarker (name) VALUES ('{HELD_A_SEASON}')
      ON CONFLICT (name) DO NOTHING;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER season_marks_database
    AFTER INSERT ON races_season
    FOR EACH ROW EXECUTE FUNCTION races_season_marks_database();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS season_marks_database ON races_season;",
    "DROP FUNCTION IF EXISTS races_season_marks_database();",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def mark_a_database_that_holds_a_season(apps, schema_editor):
    Season = apps.get_model("races", "Season")
    DatabaseMarker = apps.get_model("races", "DatabaseMarker")
    if Season.objects.exists():
        DatabaseMarker.objects.get_or_create(name=HELD_A_SEASON)


class Migration(migrations.Migration):
    dependencies = [("races", "0011_slugs_not_empty")]

    operations = [
        migrations.CreateModel(
            name="DatabaseMarker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        choices=[("held-a-season", "This database has held a season")],
                        max_length=50,
                        unique=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now()
                    ),
                ),
            ],
            options={"ordering": ["created_at"]},
        ),
        migrations.RunPython(
            mark_a_database_that_holds_a_season, migrations.RunPython.noop
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
