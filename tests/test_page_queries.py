"""The season and race pages ask the database the same number of questions of
ten times as much data, as `make bench` measures them (its 10x database has
ten times the seasons, entries and drivers): more rounds, cars, drivers,
sources and seasons add rows, never queries.

Each page is rendered, not served from the page cache.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from races.models import Crew

from .factories import (
    cite,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_season,
    make_source,
    make_story,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

CLASSES = ["LMP1", "LMP2", "GTS", "GT"]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def race():
    race = make_classified_race()
    cite(race.entries.get(slug="7"), make_source())
    return race


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_cars(race, cars: int) -> None:
    """Cars with two new drivers each, every other one citing a source and
    telling a story."""
    source = make_source()
    for number in range(cars):
        entry = make_entry(
            race,
            CLASSES[number % 4],
            position=100 + number,
            laps=50,
            drivers=[make_driver(), make_driver()],
        )
        if number % 2:
            cite(entry, source)
            make_story(entry)


def add_rounds(season, rounds: int, cars: int) -> None:
    for _ in range(rounds):
        add_cars(make_race(season=season), cars)


def ten_times(race) -> None:
    """Nine more rounds of as many cars in the race's season, and other
    seasons."""
    cars = race.entries.count()
    add_rounds(race.season, rounds=9, cars=cars)
    for year in (1997, 1998):
        add_rounds(make_season(year), rounds=2, cars=cars)


def test_standings_ask_as_many_queries_of_ten_times_the_data(client, race):
    url = reverse("races:standings", kwargs={"year": race.season.year})
    once = queries_of(client, url)
    ten_times(race)
    assert queries_of(client, url) == once


def test_coverage_page_asks_as_many_queries_of_ten_times_the_data(client, race):
    url = reverse("races:coverage", kwargs={"year": race.season.year})
    once = queries_of(client, url)
    ten_times(race)
    assert queries_of(client, url) == once


def test_race_page_asks_as_many_queries_of_ten_times_the_cars(client, race):
    url = race.get_absolute_url()
    once = queries_of(client, url)
    cars = race.entries.count()
    add_cars(race, cars=9 * cars)
    add_rounds(race.season, rounds=1, cars=cars)
    assert queries_of(client, url) == once


def test_crews_read_in_bulk_come_in_driving_order(client, race):
    # The second driver was entered first: crews are read in driving order,
    # not in the order they were entered. A car without a number is named
    # by its crew.
    second, first = make_driver("Seconddriver"), make_driver("Firstdriver")
    entry = make_entry(race, "GT", car_number="", position=50, drivers=[second])
    Crew.objects.filter(entry=entry).update(order=2)
    Crew.objects.create(entry=entry, driver=first, order=1)
    race_page = client.get(race.get_absolute_url()).content.decode()
    assert race_page.index("Firstdriver") < race_page.index("Seconddriver")
    coverage = reverse("races:coverage", kwargs={"year": race.season.year})
    assert "Firstdriver / Seconddriver" in client.get(coverage).content.decode()


def test_driver_link_follows_a_changed_slug():
    # A driver's page address is worked out once per driver object: it must
    # still follow the slug.
    driver = make_driver("Renamed")
    first = driver.get_absolute_url()
    driver.slug = "someone-else"
    assert driver.get_absolute_url() == "/drivers/someone-else/" != first
