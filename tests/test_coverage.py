import html

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races import classification, context_processors, coverage
from races.models import ClassCount, Entry, Race

from .factories import (
    car_class,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_season,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def make_partial_race(**overrides) -> Race:
    fields = {"short_name": "Partville", "completeness": Race.Completeness.PARTIAL}
    fields.update(overrides)
    return make_race(**fields)


def report(race: Race, **entries_by_class: int | None) -> None:
    """Reported entries per class, e.g. report(race, LMP1=5, GT=None)."""
    for code, entries in entries_by_class.items():
        ClassCount.objects.create(race=race, car_class=car_class(code), entries=entries)


def coverage_of(race: Race) -> coverage.RaceCoverage:
    rows = classification.classify(race.entries.for_results_table())
    return coverage.race_coverage(
        race, rows, race.class_counts.select_related("car_class")
    )


def coverage_url(year: int) -> str:
    return reverse("races:coverage", kwargs={"year": year})


def assert_text(response, text: str) -> None:
    """The page says `text` (apostrophes and all, once unescaped)."""
    assert response.status_code == 200
    assert text in html.unescape(response.content.decode())


# Counts against the reported entries


def test_partial_race_counts_known_entries_against_the_reported_total():
    race = make_partial_race(reported_entries=44)
    for position in range(1, 17):
        make_entry(race, position=position)
    assert coverage_of(race).entries_summary == "16 of 44 entries known"


def test_reported_total_comes_from_the_classes_when_every_class_count_is_known():
    race = make_partial_race()
    report(race, LMP1=5, GT=7)
    make_entry(race, "LMP1", position=1)
    make_entry(race, "GT", position=2)
    found = coverage_of(race)
    assert found.reported_entries == 12
    assert found.unknown_entries == 10


def test_reported_total_wins_over_the_sum_of_the_classes():
    race = make_partial_race(reported_entries=30)
    report(race, LMP1=5, GT=7)
    assert coverage_of(race).reported_entries == 30


def test_reported_total_is_not_known_when_a_class_count_is_missing():
    race = make_partial_race()
    report(race, LMP1=5, GT=None)
    make_entry(race, "LMP1", position=1)
    assert coverage_of(race).reported_entries is None


def test_reported_total_is_not_known_when_a_known_class_has_no_count():
    race = make_partial_race()
    report(race, LMP1=5)
    make_entry(race, "GT", position=1)
    assert coverage_of(race).reported_entries is None


def test_unknown_reported_count_is_said_and_never_invented():
    race = make_partial_race()
    make_entry(race, position=1)
    make_entry(race, position=2)
    found = coverage_of(race)
    assert found.unknown_entries is None
    assert found.entries_summary == "2 entries known; the number entered is not known"
    assert found.to_complete[0] == "the number of cars entered, which no source reports"


def test_complete_race_is_its_own_field_whatever_is_reported():
    race = make_classified_race(reported_entries=44)
    report(race, LMP1=12)
    found = coverage_of(race)
    assert found.reported_entries == found.known_entries == 10
    assert found.entries_summary == "10 of 10 entries known"
    lmp1 = next(item for item in found.classes if item.car_class.code == "LMP1")
    assert (lmp1.known, lmp1.reported, lmp1.unknown) == (4, 4, 0)


def test_each_class_is_counted_against_its_reported_entries():
    race = make_partial_race(reported_entries=20)
    report(race, LMP1=8, LMP2=0, GTS=None, GT=12)
    make_entry(race, "LMP1", position=1)
    make_entry(race, "LMP1", position=2)
    make_entry(race, "GT", position=3)
    found = {item.car_class.code: item for item in coverage_of(race).classes}
    assert list(found) == ["LMP1", "LMP2", "GTS", "GT"]
    assert (found["LMP1"].known, found["LMP1"].reported) == (2, 8)
    assert found["LMP1"].summary == "2 of 8 known"
    assert found["GTS"].unknown is None
    assert found["GTS"].summary == "0 known; number entered not known"
    assert found["GT"].unknown == 11


def test_classes_that_ran_are_those_reported_or_known():
    race = make_partial_race(reported_entries=20)
    report(race, LMP1=8, LMP2=0, GTS=None, GT=12)
    make_entry(race, "GT", position=1)
    found = coverage_of(race)
    assert [item.car_class.code for item in found.classes_run] == ["LMP1", "GT"]
    assert found.winners_summary == "1 of 2 class winners"


def test_summary_counts_entries_and_class_winners():
    race = make_partial_race(reported_entries=44)
    report(race, LMP1=12, LMP2=7, GTS=6, GT=19)
    for position, code in enumerate(["LMP1", "LMP2", "GTS", "GT"] * 4, start=1):
        make_entry(race, code, position=position)
    assert coverage_of(race).summary == "16 of 44 entries known; 4 of 4 class winners"


def test_summary_of_a_race_with_nothing_known():
    race = make_partial_race()
    found = coverage_of(race)
    assert found.summary == (
        "0 entries known; the number entered is not known; class winners not known"
    )


def test_season_totals_add_up_the_reported_entries():
    season = make_season()
    first = make_partial_race(season=season, reported_entries=44)
    make_entry(first, position=1)
    second = make_classified_race(season=season)
    races = [first, second]
    rows = classification.classify_by_race(
        Entry.objects.filter(race__in=races).for_results_table()
    )
    found = coverage.season_coverage(races, rows)
    assert (found.known_entries, found.reported_entries) == (11, 54)
    assert found.summary == "11 of the season's 54 reported entries are known."


def test_season_total_is_not_known_when_a_round_is_not():
    season = make_season()
    first = make_partial_race(season=season)
    make_entry(first, position=1)
    second = make_classified_race(season=season)
    races = [first, second]
    rows = classification.classify_by_race(
        Entry.objects.filter(race__in=races).for_results_table()
    )
    found = coverage.season_coverage(races, rows)
    assert found.reported_entries is None
    assert found.summary == (
        "11 entries of the season are known; the number entered is not known "
        "for 1 of the 2 rounds."
    )


# What is missing among the known entries


def missing_of(race: Race) -> dict[str, coverage.MissingField]:
    return {field.key: field for field in coverage_of(race).missing}


def test_known_entries_missing_facts_are_listed_by_field():
    race = make_partial_race(reported_entries=10)
    complete = make_entry(race, position=1, tyre="M", grid=1)
    no_number = make_entry(race, car_number="", slug="anon", position=2, grid=2)
    no_team = make_entry(race, team=None, tyre="M", grid=3, laps=None)
    missing = missing_of(race)
    assert {row.entry for row in missing["car-numbers"].rows} == {no_number}
    assert {row.entry for row in missing["teams"].rows} == {no_team}
    assert {row.entry for row in missing["laps"].rows} == {no_team}
    assert {row.entry for row in missing["tyres"].rows} == {no_number}
    assert {row.entry for row in missing["positions"].rows} == {no_team}
    assert "grid" not in missing
    assert complete not in {row.entry for f in missing.values() for row in f.rows}


def test_non_starters_lack_no_laps_grid_or_position():
    race = make_partial_race()
    make_entry(
        race,
        status=Entry.Status.DID_NOT_START,
        laps=None,
        tyre="M",
        position=None,
    )
    assert missing_of(race) == {}


def test_entries_without_crew_or_first_names_are_listed():
    race = make_partial_race()
    surname_only = make_driver("Lonely", first_name="")
    no_crew = make_entry(race, position=1, tyre="M", grid=1)
    no_crew.crew.all().delete()
    named = make_entry(
        race, position=2, tyre="M", grid=2, drivers=[surname_only, make_driver()]
    )
    missing = missing_of(race)
    assert [row.entry for row in missing["drivers"].rows] == [no_crew]
    assert missing["first-names"].drivers == [surname_only]
    assert [row.entry for row in missing["first-names"].rows] == [named]
    assert missing["first-names"].phrase == "first names of 1 driver"


def test_unknown_status_is_a_missing_fact():
    race = make_partial_race()
    make_entry(race, status=Entry.Status.UNKNOWN, position=1, tyre="M", grid=1)
    assert list(missing_of(race)) == ["statuses"]


def test_missing_fields_come_most_important_first():
    race = make_partial_race()
    make_entry(race, car_number="", slug="anon", team=None, laps=None)
    keys = list(missing_of(race))
    assert keys == ["positions", "car-numbers", "laps", "teams", "tyres", "grid"]


def test_car_without_number_or_crew_is_named_by_its_team():
    race = make_partial_race()
    entry = make_entry(race, car_number="", slug="anon", position=1)
    entry.crew.all().delete()
    found = missing_of(race)["car-numbers"]
    assert found.cars == [(f"{entry.team} LMP1 car", entry)]


def test_what_would_complete_the_round_in_one_sentence():
    race = make_partial_race(reported_entries=44)
    report(race, LMP1=12, LMP2=7, GTS=6, GT=19)
    make_entry(race, "LMP1", position=1, tyre="M", grid=1)
    make_entry(race, "GT", position=2, car_number="", slug="anon", tyre="M", grid=2)
    make_entry(race, "GT", position=3, laps=None, tyre="M", grid=3)
    make_entry(race, "GT", position=4, laps=None, tyre="M", grid=4)
    assert coverage_of(race).to_complete_sentence == (
        "40 more entries (11 LMP1, 7 LMP2, 6 GTS, 16 GT); the LMP2 and GTS class "
        "winners; car numbers of 1 known car; laps of 2 known cars."
    )


def test_a_fully_known_round_needs_nothing():
    race = make_race(completeness=Race.Completeness.COMPLETE)
    make_entry(race, position=1, tyre="M", grid=1)
    found = coverage_of(race)
    assert found.is_fully_known
    assert found.to_complete_sentence.startswith("Nothing")


# The coverage page


@pytest.fixture
def season_with_gaps():
    season = make_season()
    partial = make_partial_race(
        season=season, reported_entries=12, name="Partial Grand Prix"
    )
    report(partial, LMP1=4, GT=8)
    make_entry(partial, "LMP1", position=1, car_number="", slug="anon")
    make_classified_race(season=season)
    return season


def test_coverage_page_lists_each_round_and_what_would_complete_it(
    client, season_with_gaps
):
    response = client.get(coverage_url(season_with_gaps.year))
    assertContains(response, "<h1>What is known of each round</h1>", html=True)
    assertContains(response, "1 of 12 entries known; 1 of 2 class winners")
    assertContains(response, "11 more entries (3 LMP1, 8 GT); the GT class winner;")
    assertContains(response, "10 of 10 entries known; 4 of 4 class winners")
    assert_text(response, "11 of the season's 22 reported entries are known.")


def test_coverage_page_links_each_missing_fact_to_its_row(client, season_with_gaps):
    partial = season_with_gaps.races.get(name="Partial Grand Prix")
    response = client.get(coverage_url(season_with_gaps.year))
    assertContains(response, f'href="{partial.get_absolute_url()}#car-anon"')
    assertContains(response, f'href="{partial.get_absolute_url()}"')


def test_coverage_page_of_an_unknown_season_is_a_useful_404(client):
    response = client.get(coverage_url(1950))
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, reverse("races:home"), status_code=404)


def test_coverage_page_is_cached_without_cookies(client, season_with_gaps):
    url = coverage_url(season_with_gaps.year)
    first = client.get(url)
    assert not first.cookies
    assert "public" in first["Cache-Control"]
    assert client.get(url)["ETag"] == first["ETag"]


def test_coverage_page_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries, season_with_gaps
):
    url = coverage_url(season_with_gaps.year)
    # season, races, entries, crews, class counts
    with django_assert_max_num_queries(5):
        client.get(url)
    for _ in range(3):
        race = make_partial_race(season=season_with_gaps, reported_entries=40)
        report(race, LMP1=10, GT=30)
        for position in range(1, 31):
            make_entry(
                race, "GT", position=position, drivers=[make_driver(first_name="")]
            )
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert len(response.context["coverage"].rounds) == 5


def test_coverage_page_is_in_the_sitemap(client, season_with_gaps):
    response = client.get(reverse("sitemap"))
    assertContains(response, coverage_url(season_with_gaps.year))


def test_footer_links_to_the_coverage_page(client, monkeypatch, season_with_gaps):
    # The latest season's year is kept per process: read it from this database.
    monkeypatch.setitem(context_processors.known, "year", context_processors.UNREAD)
    response = client.get(reverse("races:home"))
    assertContains(response, f'href="{coverage_url(season_with_gaps.year)}"')


# The coverage line on other pages


def test_race_page_says_how_much_of_the_field_is_known(client, season_with_gaps):
    partial = season_with_gaps.races.get(name="Partial Grand Prix")
    response = client.get(partial.get_absolute_url())
    assertContains(response, "1 of 12 entries known; 1 of 2 class winners.")


def test_partial_round_banner_links_to_its_coverage(client, season_with_gaps):
    partial = season_with_gaps.races.get(name="Partial Grand Prix")
    response = client.get(partial.get_absolute_url())
    html = response.content.decode()
    banner = html[html.index('<div class="notice" role="note">') :]
    banner = banner[: banner.index("</div>")]
    link = f'{coverage_url(season_with_gaps.year)}#round-{partial.round_number}"'
    assert link in banner


def test_complete_round_page_links_to_its_coverage_without_a_banner(
    client, season_with_gaps
):
    complete = season_with_gaps.races.get(completeness=Race.Completeness.COMPLETE)
    response = client.get(complete.get_absolute_url())
    assertNotContains(response, "Partial classification.")
    assertContains(response, "10 of 10 entries known; 4 of 4 class winners.")
    assertContains(
        response, f"{coverage_url(season_with_gaps.year)}#round-{complete.round_number}"
    )


def test_race_page_query_count_stays_constant_with_coverage(
    client, django_assert_max_num_queries
):
    race = make_partial_race(reported_entries=60)
    report(race, LMP1=20, GT=40)
    make_entry(race, position=1)
    url = race.get_absolute_url()
    with django_assert_max_num_queries(8) as few:  # 7, and the race's photos
        client.get(url)
    for position in range(2, 40):
        make_entry(race, "GT", position=position, car_number="", slug=f"a{position}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assertContains(response, "39 of 60 entries known")


def test_calendar_says_how_many_entries_of_each_round_are_known(
    client, season_with_gaps
):
    response = client.get(
        reverse("races:season-detail", kwargs={"year": season_with_gaps.year})
    )
    assertContains(response, '<td data-label="Entries known">1 of 12</td>', html=True)
    assertContains(response, '<td data-label="Entries known">10 of 10</td>', html=True)


def test_calendar_says_when_the_number_entered_is_not_known(client):
    race = make_partial_race()
    make_entry(race, position=1)
    response = client.get(
        reverse("races:season-detail", kwargs={"year": race.season.year})
    )
    assertContains(response, "1; number entered not known")


def test_standings_say_how_many_reported_entries_are_known(client, season_with_gaps):
    response = client.get(
        reverse("races:standings", kwargs={"year": season_with_gaps.year})
    )
    assert_text(response, "11 of the season's 22 reported entries are known.")
    assertContains(response, f'href="{coverage_url(season_with_gaps.year)}"')


@pytest.mark.parametrize("page", ["races:season-detail", "races:standings"])
def test_season_pages_query_count_does_not_grow_with_rounds(
    client, django_assert_max_num_queries, season_with_gaps, page
):
    url = reverse(page, kwargs={"year": season_with_gaps.year})
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for _ in range(4):
        race = make_partial_race(season=season_with_gaps, reported_entries=9)
        report(race, GT=9)
        for position in range(1, 6):
            make_entry(race, "GT", position=position)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context is not None  # rendered again, not from the cache
