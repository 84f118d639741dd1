"""Caching of the public pages.

Each public page is rendered once per *data version* and then served from
Django's cache (Redis when REDIS_URL is set, otherwise files under var/) to
every anonymous visitor. Any change to the season data stores a new data
version (see `races.apps`), so pages cached under the old one are never
read again; they only wait to expire.

A page is served from the cache only to requests without a session cookie,
and stored only when it is a plain 200 that set no cookie, used no CSRF
token or CSP nonce and was not seen by a logged-in user, so a cached page
never carries one visitor's data to another. The admin is never cached.
"""

import time
from hashlib import md5

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

DATA_VERSION_KEY = "data-version"
# Pages each worker process also keeps in memory. The key names the data
# version, so a kept page can never be stale: a change makes a new key.
LOCAL_PAGES = 200
# Cache-Control directives that forbid sharing a response between visitors.
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


def data_version() -> int:
    """The current data version: when the data last changed, in nanoseconds."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        # Lost with a cache restart or eviction. Pages cached before may be
        # stale, so start a new version rather than guess the old one.
        version = time.time_ns()
        if not cache.add(DATA_VERSION_KEY, version, timeout=None):
            version = cache.get(DATA_VERSION_KEY, version)
    return version


def bump_data_version() -> None:
    """Make every cached page stale."""
    # Never backwards, even if this host's clock is behind another's: the
    # version is also the pages' Last-Modified date.
    previous = cache.get(DATA_VERSION_KEY) or 0
    cache.set(DATA_VERSION_KEY, max(time.time_ns(), previous + 1), timeout=None)


def data_changed(sender, using=None, **kwargs) -> None:
    """Signal receiver for any change to the season data."""
    bump_data_version()
    # Once more after the commit: another process may have rendered a page
    # from the rows before the change and cached it under the version just
    # set.
    transaction.on_commit(bump_data_version, using=using)


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
        status, headers, content = stored
        response = HttpResponse(content, status=status, headers=headers)
        return get_conditional_response(
            request,
            etag=headers["ETag"],
            last_modified=version // 1_000_000_000,
            response=response,
        )

    def may_use_cache(self, request) -> bool:
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(self.admin_prefix)
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
        content = response.content
        response["ETag"] = f'"{md5(content, usedforsecurity=False).hexdigest()}"'
        response["Last-Modified"] = http_date(version // 1_000_000_000)
        # Browsers and CDNs may keep the page, but ask each time whether it
        # is still current (a cheap 304 when it is).
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        stored = (response.status_code, dict(response.headers.items()), content)
        cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
        return stored
