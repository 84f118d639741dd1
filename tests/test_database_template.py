"""The tests' database is built once and copied (tests/database_template.py)."""

import sqlite3
from contextlib import closing

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from races.models import DatabaseMarker, Race

from . import database_template


@pytest.fixture
def checkout(tmp_path):
    """A checkout's shaping files, small."""
    (tmp_path / "races" / "migrations").mkdir(parents=True)
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "races" / "migrations" / "0001_initial.py").write_text("# first\n")
    (tmp_path / "fixtures" / "season.json").write_text("[]\n")
    (tmp_path / "requirements.txt").write_text("Django==6.1\n")
    return tmp_path


@pytest.mark.parametrize(
    "changed",
    ["races/migrations/0001_initial.py", "fixtures/season.json", "requirements.txt"],
)
def test_template_key_changes_with_a_shaping_file(checkout, changed):
    before = database_template.template_key(checkout)
    (checkout / changed).write_text("# changed\n")
    assert database_template.template_key(checkout) != before


def test_template_key_changes_with_a_new_migration(checkout):
    before = database_template.template_key(checkout)
    (checkout / "races" / "migrations" / "0002_more.py").write_text("# second\n")
    assert database_template.template_key(checkout) != before


def test_template_key_ignores_files_that_shape_no_database(checkout):
    before = database_template.template_key(checkout)
    (checkout / "README.md").write_text("Words.\n")
    (checkout / "races" / "notes.txt").write_text("Words.\n")
    assert database_template.template_key(checkout) == before


def test_kept_copy_holds_the_database_and_replaces_copies_of_other_code(tmp_path):
    old = tmp_path / "0123456789abcdef.sqlite3"
    old.write_bytes(b"old")
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE lap (number INTEGER)")
    database.execute("INSERT INTO lap VALUES (7)")
    database.commit()
    template = tmp_path / "fedcba9876543210.sqlite3"
    database_template.keep_copy(database, template)
    assert sorted(tmp_path.iterdir()) == [template]
    with closing(sqlite3.connect(template)) as copy:
        assert copy.execute("SELECT number FROM lap").fetchall() == [(7,)]


@pytest.mark.django_db
def test_session_database_is_migrated_and_holds_the_season():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert DatabaseMarker.objects.has_held_a_season()
    assert Race.objects.filter(season__year=2004).count() == 9
