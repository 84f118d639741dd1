"""The `alms_normalise` SQL function that site search uses on PostgreSQL.

On SQLite the same function is registered from Python on each connection
(races.search.register_sqlite_functions), so this migration does nothing
there.
"""

from django.db import migrations

CREATE = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION alms_normalise(text) RETURNS text AS $$
  SELECT btrim(regexp_replace(
    regexp_replace(
      regexp_replace(lower(public.unaccent($1)), '[-/]', ' ', 'g'),
      '[^[:alnum:][:space:]]', '', 'g'),
    '\s+', ' ', 'g'))
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
"""
DROP = "DROP FUNCTION IF EXISTS alms_normalise(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("races", "0003_race_short_name")]

    operations = [migrations.RunPython(create, drop)]
