"""Calling the WSGI application as gunicorn does, inside a test's
transaction."""

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory


@contextmanager
def connections_kept_in_test_transaction():
    """As Django's test client does: the test's transaction must outlive the
    start and the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def wsgi_get(application, path: str, **headers) -> tuple[str, dict, bytes]:
    """GET `path` (headers as in RequestFactory: HTTP_ACCEPT_ENCODING=...);
    return the status line, the headers and the body."""
    environ = RequestFactory().get(path, **headers).environ
    if "HTTP_COOKIE" not in headers:
        del environ["HTTP_COOKIE"]  # RequestFactory sends an empty one
    sent = []
    body = application(
        environ,
        lambda status, response_headers, *_: sent.extend(
            [status, dict(response_headers)]
        ),
    )
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return sent[0], sent[1], content
