"""What a gunicorn worker has before it takes its first request: the views
imported, the URL tables built and the templates compiled (almsweb/wsgi.py,
in gunicorn's master), and the season's main pages in the page cache
(gunicorn.conf.py's when_ready)."""

import subprocess
import sys

import pytest
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.template.base import Template
from django.urls import clear_url_caches
from django.urls.resolvers import URLResolver

from almsweb import startup
from almsweb.page_memo import PageMemo

from .wsgi import connections_kept_in_test_transaction


@pytest.mark.slow
def test_loading_the_wsgi_app_imports_every_view_module():
    # gunicorn preloads almsweb.wsgi in its master and forks the workers from
    # it, so whatever this import loads, no visitor waits for.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, almsweb.wsgi; "
            "print(' '.join(sorted(m for m in ('weasyprint', 'races.views', "
            "'races.api', 'races.printing') if m in sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == [
        "races.api",
        "races.printing",
        "races.views",
        "weasyprint",
    ]


@pytest.fixture
def cold_process():
    """URL tables and compiled templates forgotten, as in a new process."""
    clear_url_caches()
    for loader in engines["django"].engine.template_loaders:
        loader.reset()
    yield
    clear_url_caches()


@pytest.fixture
def counted_startup_work(monkeypatch):
    """Counts of URL tables built and templates compiled."""
    counts = {"url tables": 0, "templates": 0}
    populate, compile_template = URLResolver._populate, Template.__init__

    def counted_populate(self):
        counts["url tables"] += 1
        return populate(self)

    def counted_compile(self, *args, **kwargs):
        counts["templates"] += 1
        return compile_template(self, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_populate", counted_populate)
    monkeypatch.setattr(Template, "__init__", counted_compile)
    return counts


@pytest.mark.django_db
def test_after_warm_up_a_first_request_builds_no_url_table_and_compiles_no_template(
    client, cold_process, counted_startup_work
):
    startup.warm_up()
    counted_startup_work.update({"url tables": 0, "templates": 0})

    for path in ("/", "/2004/", "/2004/standings/", "/2004/mid-ohio/", "/classes/"):
        assert client.get(path).status_code == 200

    assert counted_startup_work == {"url tables": 0, "templates": 0}


@pytest.mark.django_db
def test_without_warm_up_a_first_request_does_that_work(
    client, cold_process, counted_startup_work
):
    # The counts above can fail: a cold process does build and compile.
    assert client.get("/2004/mid-ohio/").status_code == 200

    assert counted_startup_work["url tables"] > 0
    assert counted_startup_work["templates"] > 0


@pytest.fixture
def closed_connections(monkeypatch):
    calls = []
    monkeypatch.setattr(startup.connections, "close_all", lambda: calls.append(1))
    return calls


@pytest.mark.django_db
def test_warm_pages_caches_the_season_pages_for_a_first_visitor(
    client, closed_connections, django_assert_num_queries
):
    with connections_kept_in_test_transaction():
        # As gunicorn.conf.py calls it: with almsweb.wsgi's application.
        warmed = startup.warm_pages(PageMemo(get_wsgi_application()), "testserver")

    assert {"/", "/2004/", "/2004/standings/", "/2004/coverage/"} <= set(warmed)
    assert {"/2004/sebring/", "/2004/mid-ohio/", "/2004/laguna-seca/"} <= set(warmed)
    with django_assert_num_queries(0):  # served from the cache
        assert client.get("/2004/standings/").status_code == 200
    assert closed_connections, "the master's connections are closed before forking"


@pytest.mark.django_db
def test_warm_pages_renders_nothing_for_a_host_the_site_does_not_answer(
    closed_connections,
):
    with connections_kept_in_test_transaction():
        assert startup.warm_pages(get_wsgi_application(), "0.0.0.0:8000") == []


def test_warm_pages_that_fail_leave_the_start_to_go_on(closed_connections, caplog):
    def broken_application(environ, start_response):
        raise RuntimeError("database unavailable")

    assert startup.warm_pages(broken_application, "testserver") == []
    assert "the site starts without them" in caplog.text
    assert closed_connections
