import functools
import gc
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from races.fixtures import models_in_dependency_order
from races.models import DatabaseMarker

from . import database_template
from .factories import make_editor

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
MEMORY_FOLDER = Path("/dev/shm")


def pytest_configure(config):
    """Python's cyclic garbage collector runs less often in test processes.

    Tests make hundreds of thousands of short-lived model objects, and by
    default a collection runs every 2,000 allocations, each time walking the
    objects of the modules imported at start-up too: freezing those and
    collecting every 50,000 allocations saves about 5% of the suite's CPU.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def pytest_addoption(parser):
    parser.addoption(
        "--run-browser-tests",
        action="store_true",
        help="Run the Playwright tests in tests/browser (make test passes this).",
    )


def pytest_collection_modifyitems(config, items):
    """Browser tests are slow tests too: `pytest -m "not slow"` leaves them out.

    Slow tests run first: parallel workers then end on short tests together,
    rather than one waiting for the other's crawl or subprocess.
    """
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def load_season() -> None:
    call_command("load_fixtures", verbosity=0)


@pytest.fixture(scope="session")
def database_built_once():
    """The test database is copied from one built by an earlier process
    (tests/database_template.py). Requested before pytest-django builds it."""
    with database_template.built_once(connection, fill=load_season):
        yield


@pytest.fixture(scope="session")
def django_db_setup(database_built_once, django_db_setup, django_db_blocker):
    """The committed 2004 season, loaded once for the whole session.

    Only the tests of the real season read it: test_season_2004.py, the
    fixture round trip (test_fixtures, test_load_fixtures), the commands that
    re-import or copy it (test_commands, the admin's CSV re-import) and tests
    that use a committed round only as a page to serve (test_sheet_cache).
    Loaded by `load_fixtures`, as `make run` loads it, so tests of what an
    editor does to a loaded season start from here.
    Behaviour tests build their own races with tests/factories.py, most of
    them on an `empty_database`.
    """
    with django_db_blocker.unblock():
        load_season()  # loaded already when the database was copied


@pytest.fixture(autouse=True)
def own_render_slots(settings, tmp_path):
    """Render slots of this test's own: a server or another test run on the
    same checkout must not make a sheet answer 503 here."""
    settings.RENDER_SLOT_DIR = tmp_path / "render-slots"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Uploaded files of this test's own, never the site's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def empty_static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def plain_static_storage(settings, empty_static_root):
    """Tests need no collectstatic run.

    Nor do they serve its files: WhiteNoise would index the hundreds of
    collected files for each test's client, at 30 ms a test.
    """
    for name, value in plain_static_settings(empty_static_root).items():
        setattr(settings, name, value)


def plain_static_settings(static_root) -> dict:
    return {
        "STATIC_ROOT": static_root,
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def file_cache_folder(tmp_path_factory):
    """A folder for the file cache, in memory where the system has one.

    Every save of season data writes the data version to the cache, and on
    a disk each write's rename waits for the journal: a minute of the suite.
    """
    if MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="almsweb-tests-", dir=MEMORY_FOLDER))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session", autouse=True)
def own_cache(file_cache_folder):
    """A cache of this test process's own, from the start of the session.

    Parallel workers (pytest-xdist) and a running `make run` share the cache
    configured in settings; each test empties its cache, so it must empty
    only its own: a folder of its own for the file cache, its own key prefix
    in Redis.
    """
    configured = django_settings.CACHES["default"]
    if configured["BACKEND"] == REDIS_CACHE:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        own = {**configured, "KEY_PREFIX": f"almsweb-tests-{worker}"}
    else:
        own = {**configured, "LOCATION": file_cache_folder}
    with override_settings(CACHES={"default": own}):
        yield own
        empty_cache(own)


@functools.cache
def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def empty_cache(cache_settings: dict) -> None:
    """Delete every entry of this test process's cache and no other."""
    if cache_settings["BACKEND"] == REDIS_CACHE:
        # Django's clear() would empty the whole Redis database.
        client = redis_client(cache_settings["LOCATION"])
        keys = list(client.scan_iter(match=f"{cache_settings['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def empty_page_cache(own_cache):
    """Each test starts with no cached pages."""
    empty_cache(own_cache)
    yield
    empty_cache(own_cache)


@pytest.fixture
def empty_database(db):
    """Remove all season data (rolled back after the test).

    Raw deletes, many-to-many links first: no signals, so no history rows
    for the deletions, and a fraction of a second instead of seconds.
    """
    for model in reversed(models_in_dependency_order()):
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                field.remote_field.through._default_manager.all()._raw_delete(
                    using="default"
                )
        model._default_manager.all()._raw_delete(using="default")


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    """The test client logged in as an editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def fresh_database(empty_database):
    """A database that has never held a season, as after the first migrate."""
    DatabaseMarker.objects.all().delete()
