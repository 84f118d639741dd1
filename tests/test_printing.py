"""Printed sheets: the PDF classification, the print view and the PDF helper."""

import io
import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains

from races.classification import classify
from races.models import CarClass, Entry, Race
from races.printing import StaticFilesFetcher, paper_from, static_files_fetcher

from .conftest import plain_static_settings
from .factories import (
    make_circuit,
    make_classified_race,
    make_entry,
    make_race,
    make_regulation,
    make_season,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

A4 = (595, 842)
LETTER = (612, 792)


def make_testville() -> Race:
    season = make_season()
    season.source_note = "Compiled from the test factories."
    season.save()
    circuit = make_circuit(
        name="Testville Raceway", city="Testville", region="Ohio", country="USA"
    )
    return make_classified_race(
        season=season,
        slug="testville",
        name="Testville Grand Prix",
        circuit=circuit,
        source_note="Complete: all ten cars of the test field.",
    )


@pytest.fixture
def race():
    return make_testville()


# Papers as visitors ask for them; None asks for none.
PAPERS = [None, "a4", "letter", "LETTER", "legal"]


@dataclass
class Sheets:
    """Testville's PDF for each paper asked, and the crews it must list."""

    responses: dict
    crews: list[tuple[str, list[str]]]

    def reader(self, paper=None) -> PdfReader:
        response = self.responses[paper]
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        return PdfReader(io.BytesIO(response.content))


@pytest.fixture(scope="module")
def testville(django_db_setup, django_db_blocker, tmp_path_factory):
    """Drawn once for the tests that only read them (a sheet takes half a
    second to draw), each paper as a visitor asks for it."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            RENDER_SLOT_DIR=tmp_path_factory.mktemp("render-slots"),
            **plain_static_settings(tmp_path_factory.mktemp("static")),
        ),
        transaction.atomic(),
    ):
        race = make_testville()
        url = reverse("races:race-results-pdf", kwargs=race_kwargs(race))
        client = Client()
        responses = {
            paper: client.get(url, {"paper": paper} if paper else {})
            for paper in PAPERS
        }
        crews = [
            (row.entry.car_number, [driver.full_name for driver in row.drivers])
            for row in classify(race.entries.for_results_table())
        ]
        transaction.set_rollback(True)
    return Sheets(responses, crews)


def race_kwargs(race) -> dict:
    return {"year": race.season.year, "slug": race.slug}


def make_partial_race(season) -> Race:
    race = make_race(
        season=season, completeness=Race.Completeness.PARTIAL, reported_starters=27
    )
    make_entry(race, position=1, laps=300, status=Entry.Status.CLASSIFIED)
    make_entry(race, position=2, laps=None, status=Entry.Status.CLASSIFIED)
    return race


def pdf_of(client, race, **params) -> PdfReader:
    response = client.get(
        reverse("races:race-results-pdf", kwargs=race_kwargs(race)), params
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """The PDF's text with every run of whitespace made one space."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.slow
def test_pdf_lists_every_car_with_its_crew(testville):
    text = text_of(testville.reader())
    assert len(testville.crews) == 10
    for car_number, drivers in testville.crews:
        for driver in drivers:
            assert driver in text, driver
        if car_number:
            assert re.search(rf"\b{car_number}\b", text)


@pytest.mark.slow
def test_pdf_header_states_the_race_facts(testville):
    text = text_of(testville.reader())
    for fact in (
        "AMERICAN LE MANS SERIES · 1999 SEASON · ROUND 1",
        "Testville Grand Prix",
        "PROVISIONAL CLASSIFICATION",
        "Testville Raceway, Testville, Ohio, USA",
        "2.250 mi (3.621 km)",
        "Tuesday, June 1, 1999",
        "2 hours 45 minutes",
        "10 entries, 9 starters",
    ):
        assert fact in text, fact


@pytest.mark.slow
def test_pdf_prints_the_blocks_of_an_official_classification(testville):
    text = text_of(testville.reader())
    classified = text.index("CLASSIFIED (8 cars)")
    retired = text.index("RETIRED (DNF) (1 car)")
    dns = text.index("DID NOT START (DNS) (1 car)")
    assert classified < retired < dns
    assert "Class winner" in text


@pytest.mark.slow
def test_pdf_footer_has_page_numbers_generation_time_and_sources(testville):
    reader = testville.reader()
    text = text_of(reader)
    pages = len(reader.pages)
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert text.count("Sheet generated") >= pages
    assert "Complete: all ten cars of the test field." in text
    assert "Compiled from the test factories." in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("paper", "size"),
    [(None, A4), ("a4", A4), ("letter", LETTER), ("LETTER", LETTER), ("legal", A4)],
)
def test_pdf_paper_is_letter_on_request_and_a4_otherwise(testville, paper, size):
    assert page_size(testville.reader(paper)) == size


@pytest.mark.slow
def test_partial_pdf_says_it_is_partial_and_how_many_cars_are_known(client):
    text = text_of(pdf_of(client, make_partial_race(make_season())))
    assert "Partial classification: 2 of the 27 cars that started are known" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("status", "mark"),
    [
        (Race.Status.OFFICIAL, "OFFICIAL CLASSIFICATION"),
        (Race.Status.SCHEDULED, "SCHEDULED – not yet run, no results"),
    ],
)
def test_pdf_marks_the_race_status(client, status, mark):
    race = make_race(status=status)
    make_entry(race, position=1)
    text = text_of(pdf_of(client, race))
    assert mark in text
    assert "PROVISIONAL" not in text


@pytest.mark.slow
def test_pdf_is_named_after_the_round_and_paper(testville):
    assert testville.responses["letter"]["Content-Disposition"] == (
        'inline; filename="alms-1999-r01-testville-results-letter.pdf"'
    )


def test_unknown_race_pdf_is_a_404(client, race):
    url = reverse(
        "races:race-results-pdf", kwargs={"year": race.season.year, "slug": "monaco"}
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "value", ["", None, "A5", "letter ", "a4", "Letter", "<script>", "a" * 300]
)
def test_paper_from_accepts_only_a4_and_letter(value):
    expected = "letter" if value and value.strip().lower() == "letter" else "a4"
    assert paper_from(value) == expected


def test_static_fetcher_reads_the_sites_static_files():
    fetcher = StaticFilesFetcher("http://testserver/")
    response = fetcher.fetch("http://testserver/static/css/sheet.css")
    assert b"@font-face" in response.read()
    assert response.content_type == "text/css"
    font = fetcher.fetch("http://testserver/static/fonts/LiberationSans-Regular.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"


def test_sheets_of_one_site_share_one_static_fetcher():
    assert static_files_fetcher("http://testserver/") is static_files_fetcher(
        "http://testserver/"
    )
    assert static_files_fetcher("http://testserver/") is not static_files_fetcher(
        "https://alms.example/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.googleapis.com/css?family=Roboto",
        "http://example.com/static/css/print.css",
        "file:///etc/passwd",
        "http://testserver/static/../almsweb/settings.py",
        "http://testserver/static/css/missing.css",
        "http://testserver/admin/",
    ],
)
def test_static_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticFilesFetcher("http://testserver/").fetch(url)


def test_print_view_has_the_sheet_without_navigation(client, race):
    response = client.get(reverse("races:race-results-print", kwargs=race_kwargs(race)))
    assertNotContains(response, "<nav")
    assertNotContains(response, "site-header")
    assertNotContains(response, 'class="class-filter"')
    assertContains(response, "Provisional classification")
    assertContains(response, "Retired (DNF)")
    assertContains(response, '<tr class="class-winner', count=4)
    html = response.content.decode()
    assert len(re.findall(r'<th scope="row"', html)) == 10


def test_print_view_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries
):
    race = make_race()
    for position in range(1, 30):
        make_entry(race, "GT", position=position)
    url = reverse(
        "races:race-results-print", kwargs={"year": race.season.year, "slug": race.slug}
    )
    # The race, its entries, their crews and sources, its facts' sources.
    with django_assert_max_num_queries(5):
        client.get(url)


def test_regulations_print_view_has_the_table_without_navigation(client):
    make_regulation("LMP1", min_weight_kg=900)
    response = client.get(reverse("races:regulations-print"))
    assertNotContains(response, "<nav")
    assertContains(response, "900 kg (1984 lb)")
    assertContains(response, "css/print.css")


def test_public_pages_link_the_print_stylesheet_for_print_only(client, race):
    response = client.get(race.get_absolute_url())
    assertContains(response, 'href="/static/css/print.css" media="print"')


def standings_pdf(client, race, **params) -> PdfReader:
    url = reverse("races:standings-pdf", kwargs={"year": race.season.year})
    response = client.get(url, params)
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.slow
def test_standings_pdf_lists_each_class_with_its_leaders(client, race):
    CarClass.objects.filter(code="LMP1").update(name="Le Mans Prototype 1")
    CarClass.objects.filter(code="GT").update(name="Grand Touring")
    make_partial_race(race.season)
    leader = race.entries.get(slug="7").drivers.first()
    text = text_of(standings_pdf(client, race))
    assert "Championship standings" in text
    for heading in ["LMP1: Le Mans Prototype 1", "GT: Grand Touring"]:
        assert heading in text
    assert f"{leader.full_name} 20" in text
    assert "These totals are incomplete" in text
    assert "(tied)" not in text  # screen-reader text stays out of print


@pytest.mark.slow
@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_standings_pdf_is_landscape(client, race, paper, size):
    assert page_size(standings_pdf(client, race, paper=paper)) == size[::-1]


def test_standings_print_view_has_no_navigation(client, race):
    url = reverse("races:standings-print", kwargs={"year": race.season.year})
    response = client.get(url)
    assertNotContains(response, 'aria-label="Main"')
    assertContains(response, "Championship standings")


def test_standings_sheets_of_unknown_season_are_404(client):
    for name in ("races:standings-print", "races:standings-pdf"):
        assert client.get(reverse(name, kwargs={"year": 1950})).status_code == 404


def test_standings_page_links_its_sheets(client, race):
    year = {"year": race.season.year}
    response = client.get(reverse("races:standings", kwargs=year))
    assertContains(response, reverse("races:standings-pdf", kwargs=year))
    assertContains(response, reverse("races:standings-print", kwargs=year))
