"""Real-browser tests: Playwright driving Debian's Chromium against live_server.

They run in their own pytest process (`make test` does this) because
live_server needs transactional tests, whose flushes would empty the
database shared by the other tests. Each test loads the fixtures itself
(the `site` fixture).
"""

import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from races.permissions import sync_editors_group

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
NODE_MODULES = ROOT / "node_modules"


def pytest_collection_modifyitems(config, items):
    reason = None
    if not config.getoption("--run-browser-tests"):
        reason = (
            "browser tests run in their own process: make test, or --run-browser-tests"
        )
    elif not Path(CHROMIUM).exists():
        reason = "Chromium is missing: apt-get install chromium (Debian package)"
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
        ],
    }


@pytest.fixture
def site(live_server):
    """The live server's base URL, with the 2004 season and the Editors group.

    Transactional tests flush every table, so both are put back each time.
    """
    sync_editors_group(django_apps)
    # As `make run` does: load, and give every row a first history record.
    call_command("load_fixtures", verbosity=0)
    return live_server.url


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot for people to look at (var/screenshots/)."""

    def take(name: str, of=None):
        """`of` is the page to take, when the test opened its own (a phone)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (of or page).screenshot(
            path=SCREENSHOTS / f"{request.node.name}-{name}.png", full_page=True
        )

    return take
