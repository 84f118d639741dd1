"""Caching of the public pages.

Each public page is rendered once per *data version* and then served from
Django's cache (Redis when REDIS_URL is set, otherwise files under var/) to
every anonymous visitor. Any change to the season data stores a new data
version (see `races.apps`), so pages cached under the old one are never
read again; they only wait to expire.

A page is keyed by the data version and its URL with only the query
parameters its view reads (see `page_query`), so `?cb=1`, `?cb=2`... are one
page, rendered once.

A page is served from the cache to every request that has no session of a
logged-in user (a made-up session cookie is no way around the cache), and
stored only when it is a plain 200 that set no cookie, used no CSRF token or
CSP nonce and was not seen by a logged-in user, so a cached page never
carries one visitor's data to another. The admin is never cached.

A stored page keeps Brotli and gzip copies of text (almsweb/compression.py),
made once when it is stored; each request is served the copy it accepts,
under that copy's own ETag, with `Vary: Accept-Encoding`.
"""

import time
from functools import lru_cache
from hashlib import md5
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from simple_history.models import HistoricalChanges

from .compression import compressed_copies, is_compressible, preferred_encoding

DATA_VERSION_KEY = "data-version"
# The request's WSGI environ names the data version of a page served from
# the cache under this key (read by almsweb/page_memo.py).
SERVED_FROM_CACHE = "almsweb.page_version"
SECOND = 1_000_000_000  # in the data version's unit, nanoseconds
# Pages of these URL namespaces read no query parameter but those their view
# names in `query_parameters`; every other parameter is dropped before the
# view runs. Elsewhere (the API, the sitemap) the whole query string counts.
PAGES_WITH_DECLARED_PARAMETERS = ("races",)
# Pages each worker process also keeps in memory. The key names the data
# version, so a kept page can never be stale: a change makes a new key.
LOCAL_PAGES = 200
# Cache-Control directives that forbid sharing a response between visitors.
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


class VersionReads:
    """How often this process has read the data version, and how often it
    had when a change last marked a new one (see `data_changed`)."""

    count = 0
    at_last_mark = -1


def data_version() -> int:
    """The current data version: when the data last changed, in nanoseconds."""
    VersionReads.count += 1
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        # Lost with a cache restart or eviction. Pages cached before may be
        # stale, so start a new version, in a second of its own (see
        # bump_data_version), rather than guess the old one.
        version = (time.time_ns() // SECOND + 1) * SECOND
        if not cache.add(DATA_VERSION_KEY, version, timeout=None):
            version = cache.get(DATA_VERSION_KEY, version)
    return version


def bump_data_version() -> None:
    """Make every cached page stale, after a committed change.

    The new version starts a later whole second than the last one: it is
    also the pages' Last-Modified date, which has one-second resolution, so
    a client holding the page of a version made earlier in the same second
    must not be told by If-Modified-Since that its copy is current.
    """
    previous = cache.get(DATA_VERSION_KEY) or time.time_ns()
    next_second = (previous // SECOND + 1) * SECOND
    cache.set(DATA_VERSION_KEY, max(time.time_ns(), next_second), timeout=None)


def mark_uncommitted_change() -> None:
    """Make every cached page stale, within the same second if need be.

    For pages this connection renders before its transaction commits; the
    commit then calls `bump_data_version()`.
    """
    # Never backwards, even if this host's clock is behind another's.
    previous = cache.get(DATA_VERSION_KEY) or 0
    cache.set(DATA_VERSION_KEY, max(time.time_ns(), previous + 1), timeout=None)


class BumpAfterCommit:
    """`bump_data_version()`, registered once per transaction: saving many
    rows in one transaction moves Last-Modified on by one second, not one a
    row."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        bump_data_version()


def data_changed(sender, using=None, **kwargs) -> None:
    """Signal receiver for any change to the season data."""
    # A mark matters only to the pages this process looks up next. If it has
    # looked up none since the last mark, that mark already makes them all
    # new, so a race saved with its forty cars writes the version once.
    if VersionReads.at_last_mark != VersionReads.count:
        VersionReads.at_last_mark = VersionReads.count
        mark_uncommitted_change()
    # Again after the commit: another process may have rendered a page from
    # the rows before the change and cached it under the version just set.
    connection = transaction.get_connection(using)
    if not any(
        isinstance(callback, BumpAfterCommit) and not callback.done
        for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(BumpAfterCommit(), using=using)


def watch_for_changes(app_config) -> None:
    """Connect `data_changed` to every save, delete and many-to-many change
    of the app's models.

    Not to their historical models (django-simple-history): a historical
    row is written with each change of its row, which is watched already,
    and half of all saves would otherwise store a data version twice.
    """
    for model in app_config.get_models(include_auto_created=True):
        if issubclass(model, HistoricalChanges):
            continue
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, sender=model)


def has_logged_in_session(request) -> bool:
    """Whether the request's session cookie names a session with a logged-in
    user (one look-up; a made-up cookie names no session)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return session.get(SESSION_KEY) is not None


def page_query(request) -> str | None:
    """The query string of the parameters the page's view reads, normalised,
    or None when the view does not say (then all of it counts).

    A view names them in `query_parameters`, a dict of parameter name to a
    function that normalises its value (None keeps the value as sent).
    """
    parameters = declared_parameters(request.path_info)
    if parameters is None:
        return None
    query = QueryDict(mutable=True)
    for name, normalise in sorted(parameters.items()):
        value = request.GET.get(name)
        if normalise is not None:
            value = normalise(value)
        if value is not None:
            query[name] = value
    return query.urlencode()


@lru_cache(maxsize=4096)
def declared_parameters(path: str) -> dict | None:
    """The query parameters the view of `path` reads (see `page_query`),
    looked up once per path: the URLconf never changes while running."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", match.func)
    parameters = getattr(view, "query_parameters", None)
    if parameters is None and match.namespace in PAGES_WITH_DECLARED_PARAMETERS:
        return {}
    return parameters


def keep_only_page_parameters(request) -> None:
    """Drop the query parameters the page does not read, so the page is
    rendered from exactly what its cache key names: a parameter that is
    ignored can never be written into the page every visitor is served (for
    example through the sort links, which repeat the query string)."""
    query = page_query(request)
    if query is not None:
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


class PublicPageCacheMiddleware:
    """Serve anonymous GET and HEAD requests from the page cache.

    Also answers If-None-Match and If-Modified-Since with 304 for cached
    pages, from a stored ETag and the data version's date.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None
        self.local_pages = {}

    def __call__(self, request):
        if not self.may_use_cache(request):
            return self.get_response(request)
        keep_only_page_parameters(request)
        version = data_version()
        key = f"page:{version}:{md5(request.build_absolute_uri().encode()).hexdigest()}"
        stored = self.local_pages.get(key) or cache.get(key)
        if stored is None:
            response = self.get_response(request)
            if not self.may_store(request, response):
                return response
            stored = self.store(key, response, version)
        if key not in self.local_pages:
            if len(self.local_pages) >= LOCAL_PAGES:
                # Drop the oldest (dicts keep insertion order).
                self.local_pages.pop(next(iter(self.local_pages)), None)
            self.local_pages[key] = stored
        response = get_conditional_response(
            request,
            etag=(copy := served_copy(request, stored))["ETag"],
            last_modified=version // SECOND,
            response=copy,
        )
        if response.status_code == 200:
            # For almsweb.page_memo: this answer may be sent again as it is.
            request.META[SERVED_FROM_CACHE] = version
        return response

    def may_use_cache(self, request) -> bool:
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and "authorization" not in request.headers
            and not request.path.startswith(self.admin_prefix)
            and not has_logged_in_session(request)
        )

    def may_store(self, request, response) -> bool:
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in PRIVATE_DIRECTIVES)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            # A page that used the nonce depends on this request's header.
            and not getattr(request, "_csp_nonce", None)
            and not (user is not None and user.is_authenticated)
        )

    def store(self, key, response, version) -> tuple:
        """Store the page unless another worker stored it first; either way
        return the stored one, so every worker serves the same bytes under
        the same ETag."""
        content = response.content
        response["ETag"] = strong_etag(content, version)
        response["Last-Modified"] = http_date(version // SECOND)
        # Browsers and CDNs may keep the page, but ask each time whether it
        # is still current (a cheap 304 when it is).
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        copies = {}
        if is_compressible(response.get("Content-Type", ""), content):
            copies = compressed_copies(content)
            patch_vary_headers(response, ["Accept-Encoding"])
        stored = (response.status_code, dict(response.headers.items()), content, copies)
        if cache.add(key, stored, timeout=settings.PAGE_CACHE_SECONDS):
            return stored
        return cache.get(key) or stored


def served_copy(request, stored: tuple) -> HttpResponse:
    """The stored page in the encoding the request prefers, with that copy's
    own ETag (a validator names exact bytes)."""
    # A page stored by the code before compressed copies has none.
    status, headers, content, *rest = stored
    copies = rest[0] if rest else {}
    encoding = preferred_encoding(
        request.headers.get("Accept-Encoding", ""), tuple(copies)
    )
    response = HttpResponse(content, status=status, headers=headers)
    if encoding is not None:
        response.content = copies[encoding]
        response["Content-Encoding"] = encoding
        response["ETag"] = headers["ETag"][:-1] + f'-{encoding}"'
        # The stored headers give the plain page's length.
        response["Content-Length"] = str(len(response.content))
    return response


def strong_etag(content: bytes, version: int) -> str:
    """A strong validator: new with every data version, and different for
    different bytes (a sheet drawn again after its cache entry expired may
    differ in its printed time)."""
    return f'"{version:x}-{md5(content, usedforsecurity=False).hexdigest()}"'
