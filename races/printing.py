"""Printed sheets: a print template rendered to PDF by WeasyPrint, offline.

Any sheet is a template extending `base_print.html`, rendered with
`render_pdf()` and sent with `pdf_response()`. WeasyPrint may read the
site's own static files (stylesheets and the bundled fonts) and nothing
else, so building a sheet never waits on the network.
"""

import mimetypes
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# `?paper=` value -> CSS page size. Anything else falls back to A4.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"


def paper_from(value: str | None) -> str:
    """The paper named in a query string, or A4 when unknown."""
    value = (value or "").strip().lower()
    return value if value in PAPER_SIZES else DEFAULT_PAPER


class StaticFilesFetcher(URLFetcher):
    """Serve WeasyPrint the site's static files; refuse every other URL."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=())
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)

    def fetch(self, url, headers=None):
        if not url.startswith(self.static_prefix):
            raise ValueError(f"Only the site's static files may be read: {url}")
        name = unquote(urlsplit(url[len(self.static_prefix) :]).path)
        if any(part in ("", ".", "..") for part in name.split("/")):
            raise ValueError(f"Not a plain static file name: {name}")
        path = static_file_path(name)
        if path is None:
            raise ValueError(f"No such static file: {name}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": content_type}
        )


def static_file_path(name: str) -> Path | None:
    """The file behind a static name: the source file, else the collected one
    (a hashed name that only exists after collectstatic)."""
    found = finders.find(name)
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


def render_pdf(
    template_name: str,
    context: dict,
    *,
    request,
    paper: str = DEFAULT_PAPER,
    landscape: bool = False,
) -> bytes:
    """A print template rendered to PDF on the given paper (A4 or letter)."""
    html = render_to_string(template_name, {**context, "is_pdf": True}, request)
    base_url = request.build_absolute_uri("/")
    size = PAPER_SIZES[paper_from(paper)] + (" landscape" if landscape else "")
    fetcher = static_files_fetcher(base_url)
    page_size = CSS(string=f"@page {{ size: {size}; }}", url_fetcher=fetcher)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page_size])


@lru_cache(maxsize=16)
def static_files_fetcher(base_url: str) -> StaticFilesFetcher:
    """One fetcher per site address: making one loads the system's TLS
    certificates (which it never uses), 25 ms each time."""
    return StaticFilesFetcher(base_url)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser, saved under `filename` when downloaded."""
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(False, filename),
        },
    )
