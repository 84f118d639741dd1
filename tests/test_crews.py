"""Crews read in bulk: each entry's drivers in driving order, one query for
any number of entries, each driver one object however many cars they drove."""

import pytest

from races.models import Crew, Entry
from races.results import with_crews

from .factories import make_driver, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_race()


def test_drivers_by_entry_come_in_driving_order(race):
    second, first = make_driver("Second"), make_driver("First")
    entry = make_entry(race, drivers=[second])
    Crew.objects.filter(entry=entry).update(order=2)
    Crew.objects.create(entry=entry, driver=first, order=1)
    crews = Crew.objects.filter(entry__race=race).drivers_by_entry()
    assert [driver.last_name for driver in crews[entry.pk]] == ["First", "Second"]


def test_a_driver_of_two_cars_is_one_object(race):
    driver = make_driver("Twice")
    one = make_entry(race, drivers=[driver])
    other = make_entry(race, drivers=[driver, make_driver()])
    crews = Crew.objects.filter(entry__race=race).drivers_by_entry()
    assert crews[one.pk][0] is crews[other.pk][0]
    assert crews[one.pk][0].get_absolute_url() == driver.get_absolute_url()


def test_with_crews_reads_every_crew_in_one_query(race, django_assert_num_queries):
    for _ in range(5):
        make_entry(race, drivers=[make_driver(), make_driver()])
    entries = list(race.entries.all())
    with django_assert_num_queries(1):
        loaded = with_crews(entries, Crew.objects.filter(entry__race=race))
        assert [len(entry.crew_drivers) for entry in loaded] == [2] * 5


def test_with_crews_gives_a_car_without_drivers_an_empty_crew(race):
    entry = make_entry(race)
    Crew.objects.filter(entry=entry).delete()
    (loaded,) = with_crews(Entry.objects.filter(pk=entry.pk), Crew.objects.all())
    assert loaded.crew_drivers == []


def test_with_crews_of_no_entries_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert with_crews([], Crew.objects.all()) == []
