"""Answers to repeated requests for cached pages, kept by each worker and
sent without going through Django again.

The page cache (almsweb/cache.py) already renders a page once per data
version, but serving it still cost a request object, the middleware and the
response headers: three times what a static file costs. This WSGI wrapper
remembers, per worker, the exact answer Django gave to an exact request for
a cached page (status, every header, the body), keyed by the parts of the
request that answer depends on, and sends it again as long as the data
version is the same. It never decides what may be cached: it only repeats
answers the page cache marked as served from it.

Requests that could be answered differently go to Django as before: any
method but GET, and any request with a cookie, an Authorization header or a
conditional header (If-None-Match, If-Modified-Since).
"""

from .cache import SERVED_FROM_CACHE, data_version

# Every request field a cached page's answer can depend on, besides the
# data version: the scheme (and the proxy's word for it), the host, the
# path, the query and the encodings the client accepts.
KEY_FIELDS = (
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_ACCEPT_ENCODING",
)
# Requests that carry any of these may be answered differently (a session,
# a 304), so they always go to Django.
PERSONAL_FIELDS = (
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)
# Answers each worker keeps; the oldest is forgotten first.
KEPT_ANSWERS = 500


class PageMemo:
    def __init__(self, application):
        self.application = application
        self.answers = {}

    def __call__(self, environ, start_response):
        key = request_key(environ)
        if key is None:
            return self.application(environ, start_response)
        answer = self.answers.get(key)
        if answer is not None and answer[0] == data_version():
            _, status, headers, body = answer
            start_response(status, headers)
            return [body]
        return self.answer_and_keep(key, environ, start_response)

    def answer_and_keep(self, key, environ, start_response):
        sent = []

        def keep_start_response(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.application(environ, keep_start_response)
        version = environ.get(SERVED_FROM_CACHE)
        if version is None or not sent or not sent[0].startswith("200"):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.keep(key, (version, sent[0], sent[1], content))
        return [content]

    def keep(self, key, answer) -> None:
        self.answers.pop(key, None)
        if len(self.answers) >= KEPT_ANSWERS:
            # Drop the oldest (dicts keep insertion order); another thread
            # of a gthread worker may be doing the same.
            try:
                self.answers.pop(next(iter(self.answers)), None)
            except (RuntimeError, StopIteration):
                pass
        self.answers[key] = answer


def request_key(environ) -> tuple | None:
    """What the answer to this request depends on, or None when it may
    depend on more (then Django answers)."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    if any(environ.get(field) for field in PERSONAL_FIELDS):
        return None
    return tuple(environ.get(field) for field in KEY_FIELDS)
