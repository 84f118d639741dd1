"""Backups: the database and the media in one archive, and back again."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from photos.backup import BackupError, read_archive, write_archive

from . import database_template
from .factories import make_photo, make_race

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def scratch_database(path: Path, caption: str) -> None:
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE IF NOT EXISTS photo (caption TEXT)")
        database.execute("DELETE FROM photo")
        database.execute("INSERT INTO photo VALUES (?)", (caption,))


def captions(path: Path) -> list[str]:
    with sqlite3.connect(path) as database:
        return [row[0] for row in database.execute("SELECT caption FROM photo")]


def media_with_a_file(root: Path) -> Path:
    file = root / "photos/originals/0123456789abcdef0123456789abcdef.jpg"
    file.parent.mkdir(parents=True)
    file.write_bytes(b"generated test bytes")
    return file


def test_archive_round_trip_brings_back_database_and_media(tmp_path):
    database, media = tmp_path / "site.sqlite3", tmp_path / "media"
    scratch_database(database, "Kept in the backup")
    file = media_with_a_file(media)
    archive = tmp_path / "backup.tar.gz"
    with sqlite3.connect(database) as source:
        manifest = write_archive(archive, database=source, media_root=media)
    assert manifest["media_files"] == 1

    scratch_database(database, "Changed after the backup")
    file.unlink()
    (media / "photos/originals/stray.jpg").write_bytes(b"added after")
    read_archive(archive, database_path=database, media_root=media)

    assert captions(database) == ["Kept in the backup"]
    assert file.read_bytes() == b"generated test bytes"
    assert not (media / "photos/originals/stray.jpg").exists()


def test_archive_without_a_database_restores_only_media(tmp_path):
    media = tmp_path / "media"
    media_with_a_file(media)
    archive = tmp_path / "media-only.tar.gz"

    manifest = write_archive(archive, database=None, media_root=media)

    assert manifest["database"] == "not included"
    with tarfile.open(archive) as tar:
        assert "db.sqlite3" not in tar.getnames()


def tar_with(tmp_path, name: str) -> Path:
    archive = tmp_path / "hostile.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for member_name, data in (("manifest.json", b'{"format": 1}'), (name, b"x")):
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


@pytest.mark.parametrize(
    "name", ["../outside.txt", "media/../../outside.txt", "/etc/evil", "other.txt"]
)
def test_hostile_archive_is_refused_and_changes_nothing(tmp_path, name):
    database, media = tmp_path / "site.sqlite3", tmp_path / "media"
    scratch_database(database, "Untouched")
    file = media_with_a_file(media)

    with pytest.raises(BackupError):
        read_archive(tar_with(tmp_path, name), database_path=database, media_root=media)

    assert captions(database) == ["Untouched"]
    assert file.exists()
    assert not (tmp_path.parent / "outside.txt").exists()


def test_file_that_is_not_a_backup_is_refused(tmp_path):
    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_text("hello")

    with pytest.raises(BackupError):
        read_archive(not_an_archive, database_path=None, media_root=tmp_path / "m")


@pytest.mark.django_db
def test_backup_command_writes_the_media_files(settings, tmp_path):
    # The test database is in memory: the database copy is tested on a
    # scratch site below.
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = make_photo(make_race())
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()

    call_command("backup", output=archive, stdout=out)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert f"media/{photo.original}" in names
    for rendition in photo.renditions:
        assert f"media/{rendition['name']}" in names
    assert "manifest.json" in names
    assert "not archived" in out.getvalue() or "not SQLite" in out.getvalue()


def test_restore_of_a_missing_archive_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No archive"):
        call_command("restore", tmp_path / "missing.tar.gz", yes=True)


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_backup_and_restore_commands_on_a_scratch_sqlite_site(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL")
    }
    database = tmp_path / "site.sqlite3"
    media = tmp_path / "media"
    env.update(
        DJANGO_VAR_DIR=str(tmp_path),
        DJANGO_SQLITE_PATH=str(database),
        DJANGO_MEDIA_ROOT=str(media),
    )
    # The site is built in one process: each start of manage.py costs more
    # than a second. It starts from the tests' migrated database when this
    # checkout has one (tests/database_template.py): migrate then has
    # nothing left to do.
    template = database_template.template_path()
    if template.is_file():
        shutil.copy(template, database)
    manage(
        "shell",
        "-c",
        "from django.core.management import call_command; "
        "from tests.factories import make_photo, make_race; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "make_photo(make_race(), caption='In the backup')",
        env=env,
    )
    archive = tmp_path / "backup.tar.gz"
    manage("backup", "--output", str(archive), env=env)
    files = sorted(path.relative_to(media) for path in media.rglob("*.*"))

    with sqlite3.connect(database) as site:
        site.execute("DELETE FROM photos_photo")
    for path in media.rglob("*.avif"):
        path.unlink()
    manage("restore", str(archive), "--yes", env=env)

    with sqlite3.connect(database) as restored:
        rows = restored.execute("SELECT caption FROM photos_photo").fetchall()
    assert rows == [("In the backup",)]
    assert sorted(path.relative_to(media) for path in media.rglob("*.*")) == files
