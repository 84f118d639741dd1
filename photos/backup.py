"""One archive with the database and the uploaded media, and reading it back.

The archive is a .tar.gz holding `manifest.json`, `db.sqlite3` (a consistent
copy made with SQLite's online backup API, safe while the site serves and
editors save) and `media/` (everything under MEDIA_ROOT). A PostgreSQL
database is not copied here: pg_dump does that job properly, and the
archive says so in its manifest.
"""

import datetime
import json
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "db.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """The archive cannot be written or read back: the message says why."""


def copy_sqlite(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def write_archive(
    archive: Path, *, database: sqlite3.Connection | None, media_root: Path
) -> dict:
    """Write the database (if given) and the media files to `archive`."""
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": "sqlite" if database is not None else "not included",
        "media_files": 0,
    }
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(archive, "w:gz") as tar:
            if database is not None:
                copy = Path(scratch) / DATABASE
                copy_sqlite(database, copy)
                tar.add(copy, arcname=DATABASE)
            if media_root.is_dir():
                files = [path for path in media_root.rglob("*") if path.is_file()]
                for path in sorted(files):
                    tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root)}")
                manifest["media_files"] = len(files)
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            with tempfile.TemporaryFile() as handle:
                handle.write(data)
                handle.seek(0)
                tar.addfile(info, handle)
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, AttributeError) as error:
        message = "This is not an almsweb backup: it has no manifest."
        raise BackupError(message) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def read_archive(
    archive: Path, *, database_path: Path | None, media_root: Path
) -> dict:
    """Put the archive's database at `database_path` (if both have one) and
    its media files under `media_root`, replacing what is there."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} cannot be read: {error}") from error
    with tar, tempfile.TemporaryDirectory() as scratch:
        manifest = read_manifest(tar)
        for member in tar.getmembers():
            allowed = member.name in (MANIFEST, DATABASE) or member.name.startswith(
                f"{MEDIA}/"
            )
            if not allowed:
                raise BackupError(f"Unexpected file in the archive: {member.name}")
        try:
            # The "data" filter refuses absolute paths, links out of the
            # folder and device files.
            tar.extractall(scratch, filter="data")
        except tarfile.TarError as error:
            raise BackupError(f"Unsafe archive: {error}") from error
        scratch = Path(scratch)
        if database_path is not None and (scratch / DATABASE).exists():
            source = sqlite3.connect(scratch / DATABASE)
            try:
                copy_sqlite(source, database_path)
            finally:
                source.close()
        if (scratch / MEDIA).is_dir():
            if media_root.exists():
                shutil.rmtree(media_root)
            shutil.copytree(scratch / MEDIA, media_root)
    return manifest
