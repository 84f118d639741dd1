"""How much markup the heaviest pages send, on the real 2004 season.

Sizes are of the uncompressed HTML. The ceilings leave room for the season's
data to grow a little, not for markup to be repeated again: the standings
page was 190 KB, the Mid-Ohio page 91 KB and the coverage page 71 KB before
their markup was trimmed.
"""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

KB = 1000
STANDINGS = reverse("races:standings", kwargs={"year": 2004})
MID_OHIO = reverse("races:race-detail", kwargs={"year": 2004, "slug": "mid-ohio"})
COVERAGE = reverse("races:coverage", kwargs={"year": 2004})


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def elements(html: str) -> int:
    return len(re.findall(r"<[a-zA-Z]", html))


def site_css() -> str:
    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        return stylesheet.read()


@pytest.mark.parametrize(
    ("url", "ceiling"),
    [(STANDINGS, 60 * KB), (MID_OHIO, 64 * KB), (COVERAGE, 58 * KB)],
)
def test_page_stays_under_its_size_ceiling(client, url, ceiling):
    assert len(page(client, url).encode()) < ceiling


@pytest.mark.parametrize(
    ("url", "ceiling"), [(STANDINGS, 2700), (MID_OHIO, 1200), (COVERAGE, 1100)]
)
def test_page_stays_under_its_element_ceiling(client, url, ceiling):
    # Lighthouse's blocking time on these pages grows with their DOM size.
    assert elements(page(client, url)) < ceiling


def test_standings_say_what_a_mark_means_once_not_in_every_cell(client):
    html = page(client, STANDINGS)
    assert html.count("did not take part") == 1  # the key above the tables
    for hidden in ("(tied)", "(unverified)", "(partial)"):
        assert hidden not in html
    assert 'class="tied">1=' in html
    assert re.search(r'<td class="unverified">\d+\*', html)
    assert 'class="round partial"' in html


def test_screen_readers_are_told_what_each_standings_mark_means():
    css = site_css()
    for selector, words in [
        (".standings td:empty::after", "did not take part"),
        (".standings td.tied::after", " (tied)"),
        (".standings td.unverified::after", " (unverified)"),
        (".standings th.partial::after", " (partial)"),
    ]:
        assert f'{selector} {{ content: "{words}"; }}' in css


def test_standings_chart_markers_are_defined_once_for_all_charts(client):
    html = page(client, STANDINGS)
    assert html.count('<svg class="chart"') == 4
    for number in range(1, 6):
        assert html.count(f'<marker id="marker-series-{number}"') == 1
    assert f"url(#marker-series-{number})" in site_css()


def test_standings_chart_lines_are_one_short_path_each(client):
    html = page(client, STANDINGS)
    lines = re.findall(r'<path class="line" d="([^"]+)"/>', html)
    assert lines
    for path in lines:
        # Relative steps between whole units, no decimals.
        assert re.fullmatch(r"M\d+ \d+(l-?\d+ ?-?\d+)+", path), path


def test_race_page_footnotes_are_one_element_each(client):
    html = page(client, MID_OHIO)
    footnotes = re.findall(r'<a class="ref"[^>]*>(.*?)</a>', html)
    assert footnotes
    assert all(re.fullmatch(r"\[\d+\]", text) for text in footnotes)
