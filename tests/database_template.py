"""The tests' SQLite database, migrated and loaded once, then copied.

Every test process (each pytest-xdist worker, the unit tests' and the
browser tests') needs the migrated database with the 2004 season: about
four seconds of migrations and loading each. The first process to need it
builds it as usual and keeps a copy in var/test-databases/; later ones copy
it into their in-memory database with SQLite's backup API, in milliseconds.

The copy is named after a digest of everything that shapes it: the apps'
code and migrations, fixtures/, the pinned packages and the Python version.
Any change to them builds a new one. Other databases (PostgreSQL in CI)
are built as usual.
"""

import hashlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "var" / "test-databases"
# What the database's tables and rows are made from.
SHAPING = ["almsweb", "races", "photos", "corrections", "fixtures"]
SHAPING_FILES = ["requirements.txt", "requirements-dev.txt"]


def shaping_files(root: Path = ROOT) -> list[Path]:
    files = [root / name for name in SHAPING_FILES]
    for folder in SHAPING:
        files += (root / folder).rglob("*.py")
        files += (root / folder).rglob("*.json")
    return sorted(path for path in files if path.is_file())


def template_key(root: Path = ROOT) -> str:
    """A digest of the shaping files' names and contents, and of the Python."""
    digest = hashlib.sha256(sys.version.encode())
    for path in shaping_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def template_path(folder: Path = FOLDER, root: Path = ROOT) -> Path:
    return folder / f"{template_key(root)}.sqlite3"


def keep_copy(database: sqlite3.Connection, template: Path) -> None:
    """Write the database to `template`, whole or not at all, and remove
    copies made from other versions of the code."""
    template.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=template.parent, suffix=".partial")
    os.close(handle)
    with closing(sqlite3.connect(partial)) as copy:
        database.backup(copy)
    os.replace(partial, template)
    for old in template.parent.glob("*.sqlite3"):
        if old != template:
            old.unlink(missing_ok=True)


def copy_into(connection, template: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(template)) as source:
        source.backup(connection.connection)


@contextmanager
def built_once(connection, fill: Callable[[], None]):
    """While active, creating the test database of `connection` (an
    in-memory SQLite one) copies the kept template, or else builds it as
    usual, calls `fill()` and keeps a copy of the result."""
    creation = connection.creation
    create_as_usual = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=None, keepdb=False):
        template = template_path()
        if not template.is_file():
            name = create_as_usual(verbosity, autoclobber, serialize, keepdb)
            fill()
            keep_copy(connection.connection, template)
            return name
        # What create_as_usual does, with a copy instead of the migrations.
        name = creation._get_test_db_name()
        creation._create_test_db(verbosity, autoclobber, keepdb)
        connection.close()
        connection.settings_dict["NAME"] = name
        settings.DATABASES[connection.alias]["NAME"] = name
        copy_into(connection, template)
        return name

    usable = connection.vendor == "sqlite" and creation.is_in_memory_db(
        creation._get_test_db_name()
    )
    if usable:
        creation.create_test_db = create_test_db
    try:
        yield
    finally:
        if usable:
            del creation.create_test_db
