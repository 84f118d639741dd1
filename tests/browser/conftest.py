"""Real-browser tests: Playwright driving Debian's Chromium against live_server.

They run in their own pytest process (`make test` does this) because
live_server needs transactional tests, whose flushes would empty the
database shared by the other tests. One browser serves the whole session
(pytest-playwright's `browser`), and each test gets the 2004 season back
from a snapshot taken once (the `site` fixture). Under pytest-xdist each
worker has a database, a live server and a browser of its own.
"""

import os
import shutil
import sqlite3
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from almsweb.cache import DATA_VERSION_KEY, SECOND
from races.permissions import sync_editors_group

# Debian's headless shell when installed: the same engine without the
# browser's user interface, and a quarter less CPU a page (axe on 40 sitemap
# pages, all processes: 8.9 s instead of 11.8 s). Playwright's own headless
# runs use it too.
CHROMIUM = (
    shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
NODE_MODULES = ROOT / "node_modules"


def pytest_collection_modifyitems(config, items):
    skip_unless_asked(config, items)
    start_with_the_longest(items)


# The longest test by far (a minute or more). Started first, it runs while
# the other pytest-xdist worker takes the rest; started last, it would run
# alone at the end.
LONGEST = "test_every_sitemap_page_has_no_serious_accessibility_violation"


def start_with_the_longest(items):
    """Move LONGEST to the first place the browser tests hold, so that the
    other tests (and pytest-django's order of them) stay as they are."""
    here = Path(__file__).parent
    places = [i for i, item in enumerate(items) if item.path.is_relative_to(here)]
    browser_tests = [items[i] for i in places]
    in_order = sorted(browser_tests, key=lambda item: item.originalname != LONGEST)
    for place, item in zip(places, in_order, strict=True):
        items[place] = item


def skip_unless_asked(config, items):
    reason = None
    if not config.getoption("--run-browser-tests"):
        reason = (
            "browser tests run in their own process: make test, or --run-browser-tests"
        )
    elif not Path(CHROMIUM).exists():
        reason = (
            "Chromium is missing: apt-get install chromium-headless-shell"
            " (Debian package; or chromium)"
        )
    if reason:
        for item in items:
            if item.path.is_relative_to(Path(__file__).parent):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def allow_database_calls_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread; Django's
    database calls from that thread are still synchronous and safe."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# Each page's scripts, axe's above all, run for a fraction of a second and
# are gone with the page: V8's optimising compilers (Maglev, TurboFan) spend
# more CPU compiling than they save. Its baseline tier alone runs the same
# code with over a quarter less of the renderer's CPU (axe on 40 sitemap pages:
# 8.4 s instead of 11.7 s).
SHORT_LIVED_PAGES_JS = "--js-flags=--max-opt=1"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Never download a browser: use the system's Chromium.
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            SHORT_LIVED_PAGES_JS,
        ],
    }


def load_season():
    """The 2004 season and the Editors group, as `make run` has them."""
    sync_editors_group(django_apps)
    # As `make run` does: load, and give every row a first history record.
    call_command("load_fixtures", verbosity=0, stdout=StringIO())


class SeasonSnapshot:
    """The database with the 2004 season, kept to be put back before each
    test (live_server's tests are transactional: each ends by emptying
    every table).

    On SQLite, the tests' in-memory database, it is a copy made with
    SQLite's backup API and copied back in milliseconds; elsewhere the
    season is loaded again, in seconds.
    """

    def __init__(self):
        load_season()
        self.copy = None
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.ensure_connection()
            self.copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.copy)

    def restore(self):
        if self.copy is not None:
            connection.ensure_connection()
            self.copy.backup(connection.connection)
        else:
            load_season()


@pytest.fixture(scope="session")
def season_snapshot(django_db_setup, django_db_blocker):
    # The session's database holds the season (tests/conftest.py) until the
    # first transactional test ends.
    with django_db_blocker.unblock():
        return SeasonSnapshot()


@pytest.fixture(scope="session")
def data_versions_used():
    return [0]


@pytest.fixture(scope="session")
def server_lock(live_server):
    """A lock the live server holds while it answers a request: it answers
    them one after another.

    Its threads share the test's one in-memory SQLite connection, which two
    requests must not use at once (Django's documentation warns of random
    failures); with axe running in several tabs, requests do overlap.
    """
    server = live_server.thread.httpd
    answer = server.get_app()
    lock = threading.Lock()

    def answer_alone(environ, start_response):
        # The whole answer, body and close() (Django's request_finished)
        # included, is made under the lock; the bytes are sent after it.
        with lock:
            result = answer(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                if hasattr(result, "close"):
                    result.close()

    server.set_app(answer_alone)
    return lock


@pytest.fixture
def site(live_server, server_lock, season_snapshot, data_versions_used):
    """The live server's base URL, with the 2004 season and the Editors group."""
    with server_lock:  # not under a request the last test left running
        season_snapshot.restore()
    # The server keeps pages in memory by data version (almsweb/cache.py):
    # each test starts a version later than any an earlier test used, so no
    # page of an earlier test's data is ever served to this one.
    first = max(time.time_ns(), data_versions_used[-1] + SECOND)
    cache.set(DATA_VERSION_KEY, first, timeout=None)
    yield live_server.url
    data_versions_used.append(cache.get(DATA_VERSION_KEY) or first)
    with server_lock:  # a request still being answered ends before the flush
        pass


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot for people to look at (var/screenshots/),
    in CSS pixels: a phone's screenshot is as wide as the phone's screen."""

    def take(name: str, of=None):
        """`of` is the page to take, when the test opened its own (a phone);
        otherwise the test's `page`."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page = of or request.getfixturevalue("page")
        # A click returns once the next page starts to arrive: the whole of
        # it is there only when it has loaded.
        page.wait_for_load_state()
        page.screenshot(
            path=SCREENSHOTS / f"{request.node.name}-{name}.png",
            full_page=True,
            scale="css",
        )

    return take


def log_in(page, site: str, username: str, password: str) -> None:
    """Sign in on the admin's login page, as an editor would."""
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
