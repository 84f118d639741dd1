"""What the busiest pages read, read cheaply: crews in bulk (each entry's
drivers in driving order, one query for any number of entries, each driver
one object however many cars they drove), points scales read once, and the
facts a race lacks worked out only when a page asks."""

import pytest

from races import coverage, results
from races.models import Crew, Entry, PointsScale, points_list
from races.results import with_crews

from .factories import (
    cite,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_source,
)

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


def test_points_list_reads_a_scale_in_order():
    assert points_list("20, 16,13") == (20, 16, 13)


def test_points_for_follows_an_edited_scale():
    scale = PointsScale(points="20, 16, 13")
    assert scale.points_for(2) == 16
    scale.points = "30, 25"
    assert scale.points_for(2) == 25
    assert scale.points_for(3) == 0
    assert scale.values == [30, 25]


def test_race_coverage_lists_the_missing_facts_of_its_rows():
    race = make_classified_race()
    rows = results.scored_classification(race)
    rows[0].entry.car_number = ""
    found = coverage.race_coverage(race, rows, [])
    assert [field.key for field in found.missing] == [
        field.key for field in coverage.missing_fields(rows)
    ]
    assert "car-numbers" in [field.key for field in found.missing]


def test_source_links_read_with_the_entries_come_by_code_in_one_query(
    race, django_assert_num_queries
):
    entry = make_entry(race)
    cite(entry, make_source("zz-last"), make_source("aa-first"))
    (loaded,) = Entry.objects.filter(pk=entry.pk).with_sources()
    with django_assert_num_queries(0):
        codes = [link.source.code for link in loaded.ordered_source_links]
    assert codes == ["aa-first", "zz-last"]
    unloaded = Entry.objects.get(pk=entry.pk)
    assert [link.source.code for link in unloaded.ordered_source_links] == codes
