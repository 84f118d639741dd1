"""Footnotes on the race, driver, team and car pages lead to their Sources lists."""

import datetime
import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from races.models import Entry, Race

from .factories import (
    cite,
    make_entry,
    make_race,
    make_source,
    make_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

# A footnote link: "[n]" on screen, named "source n: <title>".
REFERENCE = re.compile(
    r'<a class="ref" href="#([^"]+)" aria-label="source (\d+): ([^"]*)">\[\2\]</a>'
)


def row_html(html: str, slug: str) -> str:
    """One row of the results table."""
    row = html[html.index(f'<tr id="car-{slug}"') :]
    return row[: row.index("</tr>")]


def references(fragment: str) -> list[tuple[str, int]]:
    """(anchor, number) of each footnote link in the fragment, in order."""
    return [(anchor, int(number)) for anchor, number, _ in REFERENCE.findall(fragment)]


def sources_section(html: str) -> str:
    section = html[html.index('<section id="sources"') :]
    return section[: section.index("</section>")]


def listed_anchors(html: str) -> list[str]:
    """The ids of the Sources list's items, in their listed order."""
    return re.findall(r'<li id="([^"]+)">', sources_section(html))


@pytest.fixture
def sources():
    return {
        code: make_source(code, title=f"Title {code}")
        for code in ("alpha", "bravo", "charlie")
    }


@pytest.fixture
def race(sources):
    """Three cars: the first cites bravo, the second charlie and alpha, the
    third nothing."""
    race = make_race(short_name="Sourceville")
    first = make_entry(race, car_number="1", position=1)
    second = make_entry(race, car_number="2", position=2)
    make_entry(race, car_number="3", position=3)
    cite(first, sources["bravo"])
    cite(second, sources["charlie"], sources["alpha"], note="row truncated")
    return race


def test_race_page_references_lead_to_listed_sources(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    listed = listed_anchors(html)
    cited = {
        anchor for slug in ("1", "2") for anchor, _ in references(row_html(html, slug))
    }
    assert cited == {"source-alpha", "source-bravo", "source-charlie"}
    assert cited <= set(listed)
    assert len(listed) == len(set(listed)) == 3


def test_race_page_sources_are_numbered_in_page_order(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    assert references(row_html(html, "1")) == [("source-bravo", 1)]
    # A row's links come in source code order: alpha, then charlie.
    assert references(row_html(html, "2")) == [
        ("source-alpha", 2),
        ("source-charlie", 3),
    ]
    assert listed_anchors(html) == ["source-bravo", "source-alpha", "source-charlie"]


def test_race_page_source_numbers_stay_when_the_table_is_sorted(client, race):
    url = race.get_absolute_url()
    html = client.get(url, {"sort": "-position"}).content.decode()
    assert references(row_html(html, "1")) == [("source-bravo", 1)]
    assert listed_anchors(html)[0] == "source-bravo"


def test_race_page_source_cited_twice_keeps_one_number(client, race, sources):
    cite(race.entries.get(car_number="3"), sources["bravo"])
    html = client.get(race.get_absolute_url()).content.decode()
    assert references(row_html(html, "3")) == [("source-bravo", 1)]
    assert listed_anchors(html).count("source-bravo") == 1


def test_race_page_row_without_sources_has_no_reference(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    assert references(row_html(html, "3")) == []
    assert 'class="ref"' not in row_html(html, "3")


def test_race_page_reference_is_named_for_screen_readers(client, race):
    response = client.get(race.get_absolute_url())
    assertContains(response, 'aria-label="source 1: Title bravo">[1]</a>')


def test_race_page_lists_title_publisher_link_gave_and_notes(client, race):
    section = sources_section(client.get(race.get_absolute_url()).content.decode())
    assert (
        '<a href="https://example.org/alpha" rel="external noopener">Title alpha</a>'
        in section
    )
    assert "Test Press" in section
    assert "What it gave: Finishing order and laps." in section
    assert "Notes: row truncated." in section


def test_source_without_a_web_address_is_listed_unlinked(client, race, sources):
    Source = type(sources["alpha"])
    Source.objects.filter(code="alpha").update(url="javascript:alert(1)")
    section = sources_section(client.get(race.get_absolute_url()).content.decode())
    assert "javascript:" not in section
    assert "<cite>Title alpha</cite>" in section


def test_race_page_without_sources_has_no_sources_list(client):
    race = make_race()
    make_entry(race, position=1)
    response = client.get(race.get_absolute_url())
    assertNotContains(response, 'id="sources"')
    assertNotContains(response, 'class="ref"')


def test_race_page_lists_only_the_sources_of_the_shown_class(client, race, sources):
    gt_car = make_entry(race, "GT", car_number="50", position=4)
    cite(gt_car, make_source("gt-only", title="GT only"))
    html = client.get(race.get_absolute_url(), {"class": "GT"}).content.decode()
    assert listed_anchors(html) == ["source-gt-only"]
    assert references(row_html(html, "50")) == [("source-gt-only", 1)]


def make_sourced_race(cars: int, sources) -> Race:
    race = make_race(
        pole_car_number="1", pole_time=datetime.timedelta(minutes=1, seconds=10)
    )
    cite(race, sources["alpha"])
    classes = ["LMP1", "LMP2", "GTS", "GT"]
    for position in range(1, cars + 1):
        entry = make_entry(
            race,
            classes[position % 4],
            car_number=str(position),
            position=position,
            race_time=datetime.timedelta(hours=2, minutes=45)
            if position == 1
            else None,
            gap_laps=None if position == 1 else position,
        )
        cite(entry, sources["bravo"], make_source())
    return race


# race, its sources, its class counts, entries, crews, entry sources, classes,
# photos
RACE_PAGE_QUERY_BUDGET = 8


@pytest.mark.parametrize("cars", [3, 30])
def test_race_page_query_count_does_not_grow_with_sourced_entries(
    client, django_assert_max_num_queries, sources, cars
):
    race = make_sourced_race(cars, sources)
    with django_assert_max_num_queries(RACE_PAGE_QUERY_BUDGET):
        response = client.get(race.get_absolute_url())
    assert len(listed_anchors(response.content.decode())) == cars + 2


def competitor_urls(entry: Entry) -> dict[str, str]:
    return {
        "driver": entry.drivers.first().get_absolute_url(),
        "team": entry.team.get_absolute_url(),
        "car": entry.car_model.get_absolute_url(),
    }


@pytest.mark.parametrize("page", ["driver", "team"])
def test_competitor_page_results_lead_to_listed_sources(client, race, page):
    entry = race.entries.get(car_number="2")
    html = client.get(competitor_urls(entry)[page]).content.decode()
    row = html[html.index(entry.get_absolute_url()) :]
    row = row[: row.index("</tr>")]
    assert references(row) == [("source-alpha", 1), ("source-charlie", 2)]
    assert listed_anchors(html)[:2] == ["source-alpha", "source-charlie"]


def test_car_page_lists_the_sources_of_its_entries(client, race):
    entry = race.entries.get(car_number="1")
    html = client.get(entry.car_model.get_absolute_url()).content.decode()
    assert listed_anchors(html) == ["source-bravo", "source-alpha", "source-charlie"]


def test_team_page_result_without_sources_has_no_reference(client, race):
    entry = race.entries.get(car_number="3")
    html = client.get(entry.team.get_absolute_url()).content.decode()
    assert references(html) == []
    assert 'id="sources"' not in html


def test_team_page_says_when_drivers_are_not_known(client):
    team = make_team("Crewless")
    race = make_race()
    entry = make_entry(race, position=1, team=team)
    entry.crew.all().delete()
    assertContains(client.get(team.get_absolute_url()), "drivers not known")


# competitor, its entries, their races' entries, crews and sources, and the
# season's standings (races, entries, crews), the photos they appear in
COMPETITOR_PAGE_QUERY_BUDGET = 9


@pytest.mark.parametrize("page", ["driver", "team"])
def test_competitor_page_query_count_does_not_grow_with_sourced_races(
    client, django_assert_max_num_queries, sources, page
):
    first = make_sourced_race(3, sources)
    entry = first.entries.get(car_number="1")
    url = competitor_urls(entry)[page]
    with django_assert_max_num_queries(COMPETITOR_PAGE_QUERY_BUDGET):
        client.get(url)
    for _ in range(5):
        race = make_sourced_race(3, sources)
        car = race.entries.get(car_number="1")
        car.crew.update(driver=entry.drivers.first())
        car.team = entry.team
        car.save()
    with django_assert_max_num_queries(COMPETITOR_PAGE_QUERY_BUDGET):
        response = client.get(url)
    # bravo, then each race's own source
    assert len(listed_anchors(response.content.decode())) == 1 + 6


def test_race_page_with_sources_is_served_from_the_page_cache(
    client, django_assert_num_queries, race
):
    first = client.get(race.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(race.get_absolute_url())
    assert second.content == first.content
    assert 'id="sources"' in second.content.decode()
    assert not second.cookies


def test_retitled_source_shows_on_the_next_race_page_request(
    client, django_capture_on_commit_callbacks, race, sources
):
    client.get(race.get_absolute_url())
    source = sources["bravo"]
    source.title = "Retitled by an editor"
    with django_capture_on_commit_callbacks(execute=True):
        source.save()
    assertContains(client.get(race.get_absolute_url()), "Retitled by an editor")


def test_row_references_read_in_number_order(client, race, sources):
    # The third car cites alpha (numbered 2 above it) and bravo (1).
    cite(race.entries.get(car_number="3"), sources["alpha"], sources["bravo"])
    html = client.get(race.get_absolute_url()).content.decode()
    assert references(row_html(html, "3")) == [("source-bravo", 1), ("source-alpha", 2)]
