"""Work each worker would otherwise do for its first visitor, done once in
gunicorn's master before the workers are forked (`preload_app`).

Without it, the first request a worker served took 0.4–1.7 s: importing the
views (WeasyPrint alone took 1.25 s), building the URL resolver's reverse
look-up tables on the first `reverse()`, compiling each template on its
first use, and rendering the page itself.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http.request import validate_host
from django.template import TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLResolver


def warm_up() -> None:
    build_reverse_tables(get_resolver())
    compile_templates()


def build_reverse_tables(resolver: URLResolver, namespace: str = "") -> None:
    """Import every view and build the reverse look-up table of the site and
    of each URL namespace (`reverse()` builds a namespace's table on its
    first use, in a resolver of its own)."""
    resolver.reverse_dict  # noqa: B018 (the property builds the table)
    for name, (_, inner) in resolver.namespace_dict.items():
        path = f"{namespace}{name}:"
        try:
            reverse(f"{path}warm-up")
        except NoReverseMatch:
            pass  # as expected: the table is built before the name is looked up
        build_reverse_tables(inner, path)


def compile_templates() -> list[str]:
    """Compile every template the site may use (its own, then the apps')
    into the cached template loader; return their names."""
    engine = engines["django"]
    names = []
    for directory in template_directories():
        for path in sorted(directory.rglob("*.*")):
            name = path.relative_to(directory).as_posix()
            if name in names or not path.is_file() or path.name.startswith("."):
                continue
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                continue  # not a Django template (a few apps ship others)
            names.append(name)
    return names


def template_directories() -> list[Path]:
    return [
        *map(Path, settings.TEMPLATES[0]["DIRS"]),
        *map(Path, get_app_template_dirs("templates")),
    ]


# The sitemap's sections whose pages are rendered before the workers start:
# the season's own pages, every race among them.
WARM_SECTIONS = ("pages", "seasons", "standings", "coverage", "races")

logger = logging.getLogger(__name__)


def warm_pages(application, host: str) -> list[str]:
    """Render the season's main pages through `application`, as a visitor of
    http://<host>/ asks for them, so the page cache holds them and each
    worker forked afterwards starts with them in memory. Return the paths
    answered with 200.

    Skipped when `host` is not one the site answers to (a visitor would come
    by another name, so the cached copies would never be read). A failure is
    logged, never raised: the site starts either way.
    """
    if not validate_host(host.rpartition(":")[0] or host, settings.ALLOWED_HOSTS):
        return []
    warmed = []
    try:
        for path in main_page_paths():
            # Over HTTPS where the site insists on it, as visitors come.
            request = RequestFactory(HTTP_HOST=host).get(
                path, secure=settings.SECURE_SSL_REDIRECT
            )
            environ = request.environ
            if status_of(application, environ).startswith("200"):
                warmed.append(path)
    except Exception:
        logger.exception("Warming the pages failed; the site starts without them.")
    finally:
        # Never hand the workers a connection opened in the master.
        connections.close_all()
    return warmed


def status_of(application, environ: dict) -> str:
    """Call a WSGI application as a server does; return the status line."""
    statuses = []
    body = application(environ, lambda status, *_: statuses.append(status))
    try:
        for _ in body:
            pass
    finally:
        # Django's request_finished: its connections are let go. (An answer
        # repeated by almsweb.page_memo is a plain list.)
        if hasattr(body, "close"):
            body.close()
    return statuses[0]


def main_page_paths() -> list[str]:
    from races.sitemaps import SITEMAPS

    return [
        SITEMAPS[section]().location(item)
        for section in WARM_SECTIONS
        for item in SITEMAPS[section]().items()
    ]
