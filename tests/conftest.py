import pytest
from django.core.cache import cache
from django.core.management import call_command

from races.fixtures import FIXTURE_NAME, models_in_dependency_order
from races.history import record_current_state
from races.models import DatabaseMarker

from .factories import make_editor


def pytest_addoption(parser):
    parser.addoption(
        "--run-browser-tests",
        action="store_true",
        help="Run the Playwright tests in tests/browser (make test passes this).",
    )


def pytest_collection_modifyitems(config, items):
    """Browser tests are slow tests too: `pytest -m "not slow"` leaves them out."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The committed 2004 season, loaded once for the whole session.

    Only the tests of the real season read it: test_season_2004.py, the
    fixture round trip (test_fixtures, test_load_fixtures), the commands that
    re-import or copy it (test_commands, the admin's CSV re-import) and tests
    that use a committed round only as a page to serve (test_sheet_cache).
    Behaviour tests build their own races with tests/factories.py, most of
    them on an `empty_database`.
    """
    with django_db_blocker.unblock():
        call_command("loaddata", FIXTURE_NAME, verbosity=0)
        record_current_state()


@pytest.fixture(autouse=True)
def own_render_slots(settings, tmp_path):
    """Render slots of this test's own: a server or another test run on the
    same checkout must not make a sheet answer 503 here."""
    settings.RENDER_SLOT_DIR = tmp_path / "render-slots"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests need no collectstatic run."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache(settings):
    """Each test starts with no cached pages, apart from `make run`'s."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": "almsweb-tests"}
    }
    cache.clear()
    yield
    cache.clear()


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
