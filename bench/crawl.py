"""Crawl every public answer of the site, to prove a change leaves them alone.

`make crawl` (or `bench/crawl.py --label NAME`):

1. Builds a scratch site under var/crawl/scratch-NAME (its own SQLite
   database, file cache, render slots and collected static files;
   DATABASE_URL and REDIS_URL are ignored), migrates it and loads fixtures/.
2. With Django's test client and the page cache off, fetches robots.txt,
   sitemap.xml, every URL the sitemap lists, /classes.css, the feeds, each
   race's print view, exports (CSV, XLSX, JSON), share card and PDF (A4 and
   letter), each season's standings print view and PDF, the classes print
   view, searches, two 404 pages, each race page filtered by each class and
   sorted by each column both ways, the API docs, the OpenAPI schema and every
   API endpoint (each list page, each season, race, driver, team and
   standings detail).
3. Writes var/crawl/NAME/manifest.json, {url: {status, content_type,
   content_disposition, sha256, normalised_sha256, file}}, and each body to
   var/crawl/NAME/bodies/.

`bench/crawl.py --compare A B` compares two crawl folders: URLs found in only
one, URLs whose bytes or headers differ, and those that still differ after
normalisation (marking the HTML pages that differ only in whitespace next to
tags, which a template formatter can cause), with a short unified diff of
the first few. It exits non-zero when any answer differs after normalisation.

Normalisation forgives what is not the site's behaviour:
- HTML: runs of whitespace collapse to one space (a template formatter
  changes indentation only), and the print sheets' "Sheet generated" time
  is masked;
- PDF: the text pypdf extracts, without the "Sheet generated" line (the
  bytes carry the generation time);
- XLSX: the cell values of every sheet (the zip carries timestamps);
- everything else (PNG, JSON, CSV, XML, CSS, text): the bytes.
The compare mode normalises the stored bodies again, so a crawl taken with
an older copy of this tool compares with the current rules.

One file, longer than most, so that it can be copied as it is into an older
checkout to take that checkout's crawl.
"""

import argparse
import difflib
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
CRAWL_DIR = BASE_DIR / "var" / "crawl"
HOST = "testserver"
SEARCH_QUERY = "audi"
PAPERS = ["", "?paper=letter"]
RACE_SUFFIXES = [
    "print/",
    "results.csv",
    "results.xlsx",
    "results.json",
    "card.png",
    *(f"results.pdf{paper}" for paper in PAPERS),
]
STANDINGS_SUFFIXES = [
    "standings/",
    "standings/print/",
    *(f"standings.pdf{paper}" for paper in PAPERS),
]
# The race page's table columns, each sorted both ways, and one unknown.
SORTABLE_COLUMNS = [
    "position",
    "car_class",
    "class_position",
    "points",
    "car_number",
    "team",
    "drivers",
    "car",
    "tyre",
    "laps",
    "laps_behind",
    "status",
]
SORTS = [f"{sign}{column}" for column in SORTABLE_COLUMNS for sign in ("", "-")]
SORTS.append("no-such-column")
SITE_URLS = [
    "/robots.txt",
    "/sitemap.xml",
    "/classes.css",
    "/classes/print/",
    "/feeds/reports.rss",
    "/feeds/reports.atom",
    "/search/",
    f"/search/?q={SEARCH_QUERY}",
    "/no-such-page/",
    "/api/",
    "/api/openapi.json",
    "/api/no-such-endpoint",
]
RACE_PAGE = re.compile(r"^/(\d{4})/([-\w]+)/$")
SEASON_PAGE = re.compile(r"^/(\d{4})/$")
DRIVER_PAGE = re.compile(r"^/drivers/([-\w]+)/$")
TEAM_PAGE = re.compile(r"^/teams/([-\w]+)/$")
LOC = re.compile(r"<loc>([^<]+)</loc>")
SHEET_GENERATED_HTML = re.compile(r"Sheet generated\s+<time[^>]*>[^<]*</time>")
SHEET_GENERATED_TEXT = re.compile(r"^.*Sheet generated .*$", re.MULTILINE)
DIFFS_SHOWN = 5
DIFF_LINES = 40


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


# Crawling


def build_scratch_site(scratch: Path) -> None:
    """A fresh database and var folder, set up before Django is configured."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_DEBUG"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="almsweb.settings",
        DJANGO_VAR_DIR=str(scratch),
        DJANGO_SQLITE_PATH=str(scratch / "db.sqlite3"),
        DJANGO_SECRET_KEY="crawl-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_PAGE_CACHE_SECONDS="0",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_fixtures", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def site_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pages_of_sitemap(sitemap: bytes) -> list[str]:
    return [site_path(loc) for loc in LOC.findall(sitemap.decode())]


def urls_from_sitemap(pages: list[str]) -> list[str]:
    """The sitemap's pages, then what hangs off them: sheets, exports, API."""
    urls = list(pages)
    years, drivers, teams = [], [], []
    races = races_of(pages)
    for page in pages:
        if match := SEASON_PAGE.match(page):
            years.append(match[1])
        elif match := DRIVER_PAGE.match(page):
            drivers.append(match[1])
        elif match := TEAM_PAGE.match(page):
            teams.append(match[1])
    for year, slug in races:
        urls += [f"/{year}/{slug}/{suffix}" for suffix in RACE_SUFFIXES]
    for year in years:
        urls += [f"/{year}/{suffix}" for suffix in STANDINGS_SUFFIXES]
    urls += ["/api/seasons", "/api/races"]
    for year in years:
        urls += [
            f"/api/seasons/{year}",
            f"/api/races?season={year}",
            f"/api/standings/{year}",
        ]
    urls += [f"/api/races/{year}/{slug}" for year, slug in races]
    urls += [f"/api/drivers/{slug}" for slug in drivers]
    urls += [f"/api/teams/{slug}" for slug in teams]
    return urls


def races_of(pages: list[str]) -> list[tuple[str, str]]:
    return [
        (match[1], match[2])
        for page in pages
        if (match := RACE_PAGE.match(page)) and match[2] != "standings"
    ]


def race_page_queries(api_race: bytes) -> list[str]:
    """The race page's class filters (each class in the race, and an unknown
    one) and sort orders."""
    classes = sorted(
        {row["car_class"] for row in json.loads(api_race)["classification"]}
    )
    return [f"class={code}" for code in [*classes, "XX"]] + [
        f"sort={order}" for order in SORTS
    ]


def file_name(url: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", url.strip("/")) or "index"
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate


class Crawl:
    """Fetches URLs once each and records their answers."""

    def __init__(self, out: Path):
        from django.test import Client

        self.client = Client()
        self.out = out
        self.manifest: dict[str, dict] = {}
        self.bodies: dict[str, bytes] = {}
        self.taken: set[str] = set()

    def fetch(self, url: str) -> bytes:
        if url in self.bodies:
            return self.bodies[url]
        response = self.client.get(url)
        body = body_of(response)
        content_type = response.get("Content-Type", "")
        name = file_name(url, self.taken)
        (self.out / "bodies" / name).write_bytes(body)
        self.manifest[url] = {
            "status": response.status_code,
            "content_type": content_type,
            "content_disposition": response.get("Content-Disposition"),
            "sha256": hashlib.sha256(body).hexdigest(),
            "normalised_sha256": hashlib.sha256(
                normalised(body, content_type)
            ).hexdigest(),
            "file": name,
        }
        self.bodies[url] = body
        if response.status_code >= 500:
            sys.stderr.write(f"  {response.status_code} {url}\n")
        return body

    def fetch_pages(self, list_url: str) -> None:
        """Every page of a paginated API list, from ?page=1 to the last."""
        first = json.loads(self.fetch(f"{list_url}?page=1"))
        page_size = len(first["items"]) or 1
        last_page = max(1, math.ceil(first["count"] / page_size))
        for page in range(2, last_page + 1):
            self.fetch(f"{list_url}?page={page}")


def crawl(label: str) -> Path:
    out = CRAWL_DIR / label
    build_scratch_site(CRAWL_DIR / f"scratch-{label}")
    shutil.rmtree(out, ignore_errors=True)
    (out / "bodies").mkdir(parents=True)
    crawler = Crawl(out)
    pages = pages_of_sitemap(crawler.fetch("/sitemap.xml"))
    for url in SITE_URLS + urls_from_sitemap(pages):
        crawler.fetch(url)
    for list_url in ("/api/drivers", "/api/teams"):
        crawler.fetch(list_url)
        crawler.fetch_pages(list_url)
    for year, slug in races_of(pages):
        for query in race_page_queries(crawler.fetch(f"/api/races/{year}/{slug}")):
            crawler.fetch(f"/{year}/{slug}/?{query}")
    (out / "manifest.json").write_text(
        json.dumps(crawler.manifest, indent=1, sort_keys=True) + "\n"
    )
    failures = sum(1 for entry in crawler.manifest.values() if entry["status"] >= 500)
    say(f"{len(crawler.manifest)} answers in {out} ({failures} server errors)")
    return out


# Normalising


def kind_of(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def normalised(body: bytes, content_type: str) -> bytes:
    kind = kind_of(content_type)
    if kind == "text/html":
        text = SHEET_GENERATED_HTML.sub("Sheet generated <time>…</time>", body.decode())
        return re.sub(r"\s+", " ", text).encode()
    if kind == "application/pdf":
        return pdf_text(body).encode()
    if kind.endswith("spreadsheetml.sheet"):
        return xlsx_values(body).encode()
    return body


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(body)).pages
    text = "\n".join(
        f"--- page {n} ---\n{p.extract_text()}" for n, p in enumerate(pages, 1)
    )
    return SHEET_GENERATED_TEXT.sub("", text)


def xlsx_values(body: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(body), read_only=True)
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"--- sheet {sheet.title} ---")
        lines += [
            json.dumps(row, default=str) for row in sheet.iter_rows(values_only=True)
        ]
    return "\n".join(lines)


def readable(body: bytes, content_type: str) -> list[str]:
    """Lines to show in a diff: normalised text, or a note for binary data."""
    text = normalised(body, content_type)
    if kind_of(content_type) == "text/html":
        text = text.replace(b"> <", b">\n<")
    elif kind_of(content_type) == "application/json":
        text = json.dumps(json.loads(text), indent=1, ensure_ascii=False).encode()
    try:
        return text.decode().splitlines()
    except UnicodeDecodeError:
        return [f"<{len(body)} bytes of {content_type}, sha256 {sha(body)}>"]


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# Comparing


def load(folder: Path) -> dict[str, dict]:
    return json.loads((folder / "manifest.json").read_text())


def body(folder: Path, entry: dict) -> bytes:
    return (folder / "bodies" / entry["file"]).read_bytes()


def compare(before: Path, after: Path) -> int:
    old, new = load(before), load(after)
    only_before = sorted(old.keys() - new.keys())
    only_after = sorted(new.keys() - old.keys())
    strict, loose = [], []
    for url in sorted(old.keys() & new.keys()):
        a, b = old[url], new[url]
        heads = ("status", "content_type", "content_disposition")
        same_heads = all(a.get(key) == b.get(key) for key in heads)
        if same_heads and a["sha256"] == b["sha256"]:
            continue
        strict.append(url)
        old_body, new_body = body(before, a), body(after, b)
        if not same_heads or normalised(old_body, a["content_type"]) != normalised(
            new_body, b["content_type"]
        ):
            loose.append(url)
    say(f"{len(old)} answers before, {len(new)} after")
    report("Only before", only_before)
    report("Only after", only_after)
    report("Bytes or headers differ", strict)
    report("Differ after normalisation", loose)
    spacing = [
        url
        for url in loose
        if differ_in_tag_spacing_only(before, old[url], after, new[url])
    ]
    report("... of which only in whitespace next to tags", spacing)
    shown = [url for url in loose if url not in spacing] + spacing
    for url in shown[:DIFFS_SHOWN]:
        show_diff(url, before, old[url], after, new[url])
    return 1 if only_before or only_after or loose else 0


def differ_in_tag_spacing_only(before: Path, a: dict, after: Path, b: dict) -> bool:
    """Whether two HTML answers differ only where a tag meets whitespace,
    which a reformatted template can add or remove (a judgement call: an
    inline element's spacing can show)."""
    if kind_of(a["content_type"]) != "text/html" or a["status"] != b["status"]:
        return False
    return tags_squeezed(body(before, a)) == tags_squeezed(body(after, b))


def tags_squeezed(body: bytes) -> bytes:
    return re.sub(rb"\s*(<[^>]*>)\s*", rb"\1", normalised(body, "text/html"))


def report(title: str, urls: list[str]) -> None:
    say(f"\n{title}: {len(urls)}")
    for url in urls:
        say(f"  {url}")


def show_diff(url: str, before: Path, a: dict, after: Path, b: dict) -> None:
    say(f"\n=== {url}")
    for key in ("status", "content_type", "content_disposition"):
        if a.get(key) != b.get(key):
            say(f"{key}: {a.get(key)!r} -> {b.get(key)!r}")
    diff = difflib.unified_diff(
        readable(body(before, a), a["content_type"]),
        readable(body(after, b), b["content_type"]),
        "before",
        "after",
        lineterm="",
        n=1,
    )
    lines = list(diff)
    for line in lines[:DIFF_LINES]:
        say(line[:200])
    if len(lines) > DIFF_LINES:
        say(f"... {len(lines) - DIFF_LINES} more diff lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="after", help="crawl into var/crawl/LABEL")
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("BEFORE", "AFTER"),
        help="compare two crawl folders instead of crawling",
    )
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    crawl(args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
