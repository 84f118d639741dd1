"""Each worker sends a repeated request for a cached page the answer Django
gave it, byte for byte, without going through Django again
(almsweb/page_memo.py); anything that could be answered differently goes to
Django."""

import brotli
import pytest
from django.core.wsgi import get_wsgi_application
from django.urls import reverse

from almsweb import page_memo
from almsweb.cache import bump_data_version
from almsweb.page_memo import PageMemo
from races.models import Race

from .constants import MID_OHIO
from .wsgi import connections_kept_in_test_transaction, wsgi_get

pytestmark = pytest.mark.django_db

RACE_PAGE = reverse("races:race-detail", kwargs=MID_OHIO)
BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


class CountedDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.application = get_wsgi_application()
        self.requests = 0

    def __call__(self, environ, start_response):
        self.requests += 1
        return self.application(environ, start_response)


@pytest.fixture
def django_app():
    with connections_kept_in_test_transaction():
        yield CountedDjango()


@pytest.fixture
def memo(django_app):
    return PageMemo(django_app)


def test_a_repeated_request_gets_the_same_answer_without_django(memo, django_app):
    first = wsgi_get(memo, RACE_PAGE, **BROWSER)
    again = wsgi_get(memo, RACE_PAGE, **BROWSER)

    assert first[0] == "200 OK"
    assert again == first
    assert django_app.requests == 1


def test_the_repeated_answer_is_what_django_sends(memo, django_app):
    wsgi_get(memo, RACE_PAGE, **BROWSER)  # rendered and stored
    from_django = wsgi_get(django_app, RACE_PAGE, **BROWSER)  # a cache hit
    from_memory = wsgi_get(memo, RACE_PAGE, **BROWSER)

    assert from_memory == from_django
    assert from_memory[1]["Content-Encoding"] == "br"
    assert "Content-Security-Policy" in from_memory[1]
    assert b"Mid-Ohio" in brotli.decompress(from_memory[2])


def test_each_encoding_is_kept_apart(memo):
    for _ in range(2):
        brotli_answer = wsgi_get(memo, RACE_PAGE, HTTP_ACCEPT_ENCODING="br")
        gzip_answer = wsgi_get(memo, RACE_PAGE, HTTP_ACCEPT_ENCODING="gzip")
        plain_answer = wsgi_get(memo, RACE_PAGE)

    assert brotli_answer[1]["Content-Encoding"] == "br"
    assert gzip_answer[1]["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain_answer[1]
    assert brotli.decompress(brotli_answer[2]) == plain_answer[2]


def test_after_a_data_change_django_answers_again(memo, django_app):
    wsgi_get(memo, RACE_PAGE)
    race = Race.objects.get(season__year=MID_OHIO["year"], slug=MID_OHIO["slug"])
    race.name = "Mid-Ohio, renamed for this test"
    race.save()
    bump_data_version()  # what the commit would do

    status, _, body = wsgi_get(memo, RACE_PAGE)

    assert status == "200 OK"
    assert b"renamed for this test" in body
    assert django_app.requests == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Basic ZWRpdG9yOmVkaXRvcg=="},
        {"HTTP_IF_NONE_MATCH": '"something"'},
        {"HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
    ],
)
def test_a_request_that_may_be_answered_differently_goes_to_django(
    memo, django_app, headers
):
    wsgi_get(memo, RACE_PAGE)

    wsgi_get(memo, RACE_PAGE, **headers)
    wsgi_get(memo, RACE_PAGE, **headers)

    assert django_app.requests == 3


def test_a_head_request_goes_to_django(memo, django_app):
    wsgi_get(memo, RACE_PAGE)
    environ_head = {"REQUEST_METHOD": "HEAD"}

    status, _, _ = wsgi_get(memo, RACE_PAGE, **environ_head)

    assert status == "200 OK"  # the server, not the application, drops the body
    assert django_app.requests == 2


def test_a_page_the_cache_does_not_keep_is_never_repeated(memo, django_app):
    form = reverse("corrections:correction-new") + "?about=season:2004"

    first = wsgi_get(memo, form)
    wsgi_get(memo, form)

    assert first[0] == "200 OK"
    assert "csrftoken" in first[1]["Set-Cookie"]
    assert django_app.requests == 2


def test_not_found_is_never_repeated(memo, django_app):
    wsgi_get(memo, "/2004/no-such-race/")
    wsgi_get(memo, "/2004/no-such-race/")

    assert django_app.requests == 2


def test_kept_answers_are_bounded(memo, monkeypatch):
    monkeypatch.setattr(page_memo, "KEPT_ANSWERS", 3)

    for number in range(6):
        wsgi_get(memo, f"{RACE_PAGE}?cb={number}")

    assert len(memo.answers) == 3
