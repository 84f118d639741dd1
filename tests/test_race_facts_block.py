"""The race facts block, the stated gap column and cars whose crew is not known."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.citations import Citations
from races.classification import ClassifiedEntry
from races.race_facts import race_facts, winner_speed_mph
from races.results import scored_classification
from races.timing import shown_gap

from .factories import (
    cite,
    make_circuit,
    make_driver,
    make_entry,
    make_race,
    make_source,
    make_story,
    make_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

TWO_HOURS_45 = datetime.timedelta(hours=2, minutes=45)


def fact(html: str, term: str) -> str:
    """The text of one fact of the race facts block, tags removed."""
    block = html[html.index('id="race-facts-heading"') :]
    block = block[: block.index("</dl>")]
    value = block[block.index(f"<dt>{term}</dt>") :]
    value = value[value.index("<dd>") + 4 : value.index("</dd>")]
    return " ".join(re.sub(r"<[^>]+>", "", value).split())


def fact_html(html: str, term: str) -> str:
    block = html[html.index(f"<dt>{term}</dt>") :]
    return block[: block.index("</dd>")]


def row_html(html: str, slug: str) -> str:
    row = html[html.index(f'<tr id="car-{slug}"') :]
    return row[: row.index("</tr>")]


@pytest.fixture
def race():
    """110 laps of a 2.250-mile lap in 2:45:00 for the winner."""
    race = make_race(circuit=make_circuit(length_mi=Decimal("2.250")))
    make_entry(race, car_number="38", position=1, laps=110, race_time=TWO_HOURS_45)
    make_entry(race, car_number="2", position=2, laps=105, gap_laps=5)
    return race


def test_average_speed_is_laps_times_lap_length_over_race_time(race):
    # 110 × 2.250 mi = 247.5 mi in 2.75 h: 90.0 mph; × 1.609344 = 144.8 km/h.
    facts = race_facts(race, scored_classification(race), Citations())
    assert facts.speed_mph == Decimal("90.0")
    assert facts.speed_kmh == Decimal("144.8")


def test_race_page_shows_winner_time_and_average_speed(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Winner's race time") == "2:45:00.000 (#38)"
    assert fact(html, "Average speed").startswith("90.0 mph (144.8 km/h)")


@pytest.mark.parametrize(
    "unknown",
    [
        {"laps": None},
        {"race_time": None},
    ],
)
def test_average_speed_is_not_known_without_laps_or_race_time(client, race, unknown):
    race.entries.filter(position=1).update(**unknown)
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Average speed") == "not known"
    assert winner_speed_mph(race, scored_classification(race)[0]) is None


def test_average_speed_is_not_known_without_lap_length(client, race):
    race.circuit.length_mi = None
    race.circuit.save()
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Average speed") == "not known"
    assert fact(html, "Winner's race time") == "2:45:00.000 (#38)"


def test_winner_time_is_not_known_without_an_overall_winner(client, race):
    race.entries.filter(position=1).update(position=None)
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Winner's race time") == "not known"
    assert fact(html, "Average speed") == "not known"


def test_race_facts_not_known_say_so(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Pole") == "not known"
    assert fact(html, "Fastest lap") == "not known"


def test_pole_links_to_its_car_row_with_driver_and_time(client, race):
    sitter = make_driver("Poleman", first_name="Pat")
    race.pole_car_number = "38"
    race.pole_driver = sitter
    race.pole_time = datetime.timedelta(minutes=1, seconds=10, milliseconds=538)
    race.save()
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Pole") == "#38, Pat Poleman, 1:10.538"
    assert f'<a href="{race.get_absolute_url()}#car-38">#38</a>' in fact_html(
        html, "Pole"
    )


def test_pole_car_without_a_row_is_named_unlinked_and_unknowns_say_so(client, race):
    race.pole_car_number = "99"
    race.save()
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Pole") == "#99, driver not known, time not known"
    assert "#car-99" not in html


def test_fastest_lap_shows_car_driver_and_time(client, race):
    race.fastest_lap_car_number = "2"
    race.fastest_lap_time = datetime.timedelta(minutes=1, seconds=12, milliseconds=5)
    race.save()
    html = client.get(race.get_absolute_url()).content.decode()
    assert fact(html, "Fastest lap") == "#2, driver not known, 1:12.005"


def test_race_facts_carry_their_sources_footnotes(client, race):
    race.pole_car_number = "38"
    race.save()
    cite(race, make_source("timing", title="Timing sheet"))
    cite(race.entries.get(position=1), make_source("report", title="Report"))
    html = client.get(race.get_absolute_url()).content.decode()
    assert 'href="#source-timing"' in fact_html(html, "Pole")
    assert 'href="#source-report"' in fact_html(html, "Winner's race time")
    assert 'href="#source-report"' in fact_html(html, "Average speed")
    # Numbered in page order: the facts come before the results table.
    assert ">[1]<" in fact_html(html, "Pole")
    assert ">[2]<" in fact_html(html, "Winner's race time")


def test_unknown_facts_cite_no_sources(client, race):
    cite(race, make_source("timing", title="Timing sheet"))
    html = client.get(race.get_absolute_url()).content.decode()
    assert 'href="#source-timing"' not in fact_html(html, "Pole")


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        ({"race_time": TWO_HOURS_45}, "2:45:00.000"),
        ({"gap_laps": 5}, "+5 laps"),
        ({"gap_laps": 1}, "+1 lap"),
        ({"gap_time": datetime.timedelta(seconds=1, milliseconds=400)}, "+1.4 s"),
        ({"gap_time": datetime.timedelta(minutes=1, seconds=8)}, "+1:08.000"),
        ({"gap_laps": 22, "is_gap_to_class_winner": True}, "+22 laps to GTS winner"),
        (
            {
                "gap_time": datetime.timedelta(seconds=23),
                "is_gap_to_class_winner": True,
            },
            "+23 s to GTS winner",
        ),
        ({}, ""),
    ],
)
def test_stated_gap_reads_as_the_source_states_it(gap, expected):
    race = make_race()
    assert shown_gap(make_entry(race, "GTS", **gap)) == expected


def test_results_table_shows_stated_gap_and_keeps_behind_class_leader(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    assert ">Gap<" in html
    assert ">Behind class leader<" in html
    assert '<td class="gap-cell num">+5 laps</td>' in row_html(html, "2")
    assert '<td class="gap-cell num">2:45:00.000</td>' in row_html(html, "38")


def test_results_table_sorts_by_stated_gap_with_unknown_last(client, race):
    make_entry(race, car_number="7", position=3, laps=109, gap_laps=1)
    make_entry(race, car_number="8", position=4, laps=100)
    response = client.get(race.get_absolute_url(), {"sort": "-stated_gap"})
    rows = re.findall(r'<tr id="car-([^"]+)"', response.content.decode())
    assert rows == ["2", "7", "38", "8"]


def test_print_view_shows_stated_gap_without_footnotes(client, race):
    cite(race.entries.get(position=1), make_source())
    url = reverse(
        "races:race-results-print",
        kwargs={"year": race.season.year, "slug": race.slug},
    )
    response = client.get(url)
    assertContains(response, "+5 laps")
    assertContains(response, ">Gap<")
    assert 'class="ref"' not in response.content.decode()


def test_race_page_says_drivers_not_known_for_a_car_without_crew(client, race):
    race.entries.get(car_number="2").crew.all().delete()
    html = client.get(race.get_absolute_url()).content.decode()
    assert "drivers not known" in row_html(html, "2")


def test_print_view_says_drivers_not_known(client, race):
    race.entries.get(car_number="2").crew.all().delete()
    url = reverse(
        "races:race-results-print",
        kwargs={"year": race.season.year, "slug": race.slug},
    )
    assertContains(client.get(url), "drivers not known")


def test_label_of_a_car_without_number_or_drivers_is_its_teams_car():
    race = make_race()
    entry = make_entry(race, car_number="", slug="unknown-car", drivers=None)
    entry.team = make_team("Mystery")
    assert ClassifiedEntry(entry=entry).label == "Mystery LMP1 car"


def test_label_of_a_car_without_number_drivers_or_team_says_so():
    race = make_race()
    entry = make_entry(race, car_number="", slug="unknown-car", team=None)
    assert ClassifiedEntry(entry=entry).label == "LMP1 car (number not known)"


def test_story_link_of_an_unnamed_car_has_a_readable_name(client):
    race = make_race()
    entry = make_entry(race, car_number="", slug="ghost", team=None, position=1)
    entry.crew.all().delete()
    make_story(entry)
    assertContains(
        client.get(race.get_absolute_url()),
        '<span class="visually-hidden"> of the car whose number is not known</span>',
    )


def test_podium_says_drivers_not_known_for_a_car_without_crew(client, race):
    race.entries.get(car_number="2").crew.all().delete()
    html = client.get(race.get_absolute_url()).content.decode()
    podiums = html[html.index('id="podium-heading"') : html.index('id="results"')]
    assert "drivers not known" in podiums
