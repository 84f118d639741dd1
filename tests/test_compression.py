"""Cached pages are served compressed, each copy made once when stored."""

import gzip

import brotli
import pytest
from django.urls import reverse

from almsweb import cache as page_cache
from almsweb.compression import preferred_encoding

from .constants import MID_OHIO

pytestmark = pytest.mark.django_db

RACE_PAGE = reverse("races:race-detail", kwargs=MID_OHIO)
TEXT_ANSWERS = [
    RACE_PAGE,
    reverse("races:home"),
    reverse("races:feed-atom"),
    "/sitemap.xml",
    "/api/races/2004/mid-ohio",
]


def get(client, url, encoding=None, **headers):
    if encoding is not None:
        headers["accept-encoding"] = encoding
    return client.get(url, headers=headers)


def decoded(response) -> bytes:
    encoding = response.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.content)
    if encoding == "gzip":
        return gzip.decompress(response.content)
    return response.content


@pytest.mark.parametrize("url", TEXT_ANSWERS)
def test_each_compressed_copy_decompresses_to_the_plain_page(client, url):
    plain = get(client, url)
    brotli_copy = get(client, url, "br, gzip")
    gzip_copy = get(client, url, "gzip")

    assert plain.status_code == 200
    assert "Content-Encoding" not in plain
    assert brotli_copy["Content-Encoding"] == "br"
    assert gzip_copy["Content-Encoding"] == "gzip"
    assert decoded(brotli_copy) == decoded(gzip_copy) == plain.content
    assert len(brotli_copy.content) < len(plain.content) / 3
    for copy in (plain, brotli_copy, gzip_copy):
        assert int(copy["Content-Length"]) == len(copy.content)


def test_compressed_pages_vary_on_accept_encoding(client):
    for encoding in (None, "br", "gzip"):
        response = get(client, RACE_PAGE, encoding)
        assert "Accept-Encoding" in response["Vary"]


def test_client_sending_no_accept_encoding_gets_plain_html(client):
    response = get(client, RACE_PAGE)

    assert response.content.startswith(b"<!DOCTYPE html>")
    assert int(response["Content-Length"]) == len(response.content)


def test_each_copy_has_its_own_etag_and_answers_304_to_it(client):
    plain = get(client, RACE_PAGE)
    copy = get(client, RACE_PAGE, "br")

    assert copy["ETag"] != plain["ETag"]
    again = get(client, RACE_PAGE, "br", if_none_match=copy["ETag"])
    assert again.status_code == 304
    # The plain page's validator does not stand for the Brotli bytes.
    other = get(client, RACE_PAGE, "br", if_none_match=plain["ETag"])
    assert other.status_code == 200


def test_head_of_a_compressed_page_has_its_headers_and_no_body(client):
    response = client.head(RACE_PAGE, headers={"accept-encoding": "br"})

    assert response["Content-Encoding"] == "br"
    assert response.content == b""


def test_a_cache_hit_compresses_nothing(client, monkeypatch):
    calls = []
    original = page_cache.compressed_copies
    monkeypatch.setattr(
        page_cache,
        "compressed_copies",
        lambda content: calls.append(1) or original(content),
    )
    for _ in range(3):
        get(client, reverse("races:home"), "br")

    assert len(calls) == 1


def test_pdf_sheet_is_not_compressed_again(client):
    url = reverse("races:race-results-pdf", kwargs=MID_OHIO)
    response = get(client, url, "br, gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_page_with_a_csrf_token_is_neither_cached_nor_compressed(client):
    response = get(client, reverse("admin:login"), "br, gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("header", "encoding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.8", "br"),
        ("identity", None),
        ("*", "br"),
        ("*;q=0", None),
        ("", None),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_preferred_encoding_follows_the_accept_encoding_header(header, encoding):
    assert preferred_encoding(header, ("br", "gzip")) == encoding


def test_a_page_stored_without_compressed_copies_is_served_plain(rf):
    # As stored by the code before compressed copies (three parts, not four).
    stored = (200, {"ETag": '"1-abc"', "Content-Type": "text/html"}, b"<p>old</p>")
    request = rf.get("/", headers={"accept-encoding": "br, gzip"})

    response = page_cache.served_copy(request, stored)

    assert response.content == b"<p>old</p>"
    assert "Content-Encoding" not in response
