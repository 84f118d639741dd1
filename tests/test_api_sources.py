"""The race answer of the JSON API: each row's sources and stated gap, the
race's own facts and every source cited."""

import datetime

import pytest

from races.models import ClassCount

from .factories import (
    car_class,
    cite,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_source,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def race_json(client, race) -> dict:
    response = client.get(f"/api/races/{race.season.year}/{race.slug}")
    assert response.status_code == 200, response.content
    return response.json()


def row_of(data: dict, car_number: str) -> dict:
    [row] = [r for r in data["classification"] if r["car_number"] == car_number]
    return row


@pytest.fixture
def race():
    """A classified race with sourced rows, facts, a pole and counts per class."""
    race = make_classified_race(
        reported_entries=12,
        reported_finishers=9,
        pole_car_number="8",
        pole_driver=make_driver("Werner", first_name="Marco"),
        pole_time=datetime.timedelta(minutes=1, seconds=48.71),
    )
    season_page = make_source("enwiki-season", title="2004 season")
    team_release = make_source("dyson-release", title="", publisher="", url="")
    facts_only = make_source("facts-sheet", title="Facts sheet")
    winner = race.entries.get(slug="7")
    winner.race_time = datetime.timedelta(hours=2, minutes=45, seconds=13.916)
    winner.save()
    cite(winner, season_page)
    second = race.entries.get(slug="8")
    second.gap_time = datetime.timedelta(seconds=1.4)
    second.save()
    cite(second, season_page, team_release)
    cite(race, season_page, facts_only)
    ClassCount.objects.create(race=race, car_class=car_class("GT"), entries=4)
    ClassCount.objects.create(
        race=race, car_class=car_class("LMP1"), entries=5, finishers=3
    )
    return race


def test_race_rows_name_their_sources_by_code(client, race):
    data = race_json(client, race)
    assert row_of(data, "7")["sources"] == ["enwiki-season"]
    assert row_of(data, "8")["sources"] == ["dyson-release", "enwiki-season"]
    assert row_of(data, "11")["sources"] == []


def test_race_rows_carry_the_stated_gap_and_race_time(client, race):
    data = race_json(client, race)
    assert row_of(data, "7")["gap"] == "2:45:13.916 (race time)"
    assert row_of(data, "7")["race_time"] == "2:45:13.916"
    assert row_of(data, "8")["gap"] == "1.4 s"
    assert row_of(data, "8")["race_time"] is None
    assert row_of(data, "11")["gap"] is None


def test_race_lists_every_cited_source_once_in_order_of_citation(client, race):
    sources = race_json(client, race)["sources"]
    assert [source["code"] for source in sources] == [
        "enwiki-season",
        "dyson-release",
        "facts-sheet",
    ]
    assert sources[0] == {
        "code": "enwiki-season",
        "title": "2004 season",
        "publisher": "Test Press",
        "url": "https://example.org/enwiki-season",
    }


def test_race_source_without_title_publisher_or_url_has_nulls(client, race):
    [release] = [
        s for s in race_json(client, race)["sources"] if s["code"] == "dyson-release"
    ]
    assert release == {
        "code": "dyson-release",
        "title": None,
        "publisher": None,
        "url": None,
    }


def test_race_carries_its_facts_and_their_sources(client, race):
    data = race_json(client, race)
    assert data["reported_entries"] == 12
    assert data["reported_finishers"] == 9
    assert data["pole"] == {
        "car_number": "8",
        "driver": {"slug": race.pole_driver.slug, "name": "Marco Werner"},
        "time": "1:48.710",
    }
    assert data["fact_sources"] == ["enwiki-season", "facts-sheet"]


def test_race_counts_per_class_are_in_class_order_with_unknowns_null(client, race):
    assert race_json(client, race)["class_counts"] == [
        {"car_class": "LMP1", "entries": 5, "finishers": 3},
        {"car_class": "GT", "entries": 4, "finishers": None},
    ]


def test_race_with_no_facts_has_nulls_and_empty_lists(client):
    race = make_race()
    make_entry(race, position=1)
    data = race_json(client, race)
    unknown_lap = {"car_number": None, "driver": None, "time": None}
    assert data["pole"] == unknown_lap
    assert data["fastest_lap"] == unknown_lap
    assert data["reported_entries"] is None
    assert data["class_counts"] == []
    assert data["fact_sources"] == []
    assert data["sources"] == []
    assert data["classification"][0]["sources"] == []


def test_race_fastest_lap_is_given_where_known(client):
    race = make_race(
        fastest_lap_car_number="2",
        fastest_lap_time=datetime.timedelta(seconds=47.962),
    )
    assert race_json(client, race)["fastest_lap"] == {
        "car_number": "2",
        "driver": None,
        "time": "47.962",
    }


def test_race_answer_keeps_its_earlier_fields(client, race):
    data = race_json(client, race)
    for name in (
        "season",
        "round",
        "slug",
        "circuit",
        "summary",
        "source_note",
        "reported_starters",
        "entries_known",
        "classification",
    ):
        assert name in data
    assert set(row_of(data, "7")) >= {
        "position",
        "car_class",
        "class_position",
        "points",
        "laps_behind_class_leader",
        "status",
        "note",
    }


def test_openapi_document_declares_the_new_fields(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    race = schemas["RaceDetail"]["properties"]
    for name in ("sources", "fact_sources", "pole", "fastest_lap", "class_counts"):
        assert name in race
    row = schemas["ClassificationRow"]["properties"]
    assert {"gap", "race_time", "sources"} <= set(row)


def test_race_query_count_stays_constant_with_sources(
    client, django_assert_max_num_queries
):
    race = make_race()
    cite(race, make_source())
    ClassCount.objects.create(race=race, car_class=car_class("GT"), entries=30)
    for position in range(1, 30):
        entry = make_entry(race, "GT", position=position)
        cite(entry, make_source(), make_source())
    with django_assert_max_num_queries(7):  # 6, and the race's photos
        race_json(client, race)


def test_driver_results_name_their_sources_and_stated_gap(client):
    driver = make_driver("Werner")
    race = make_race()
    entry = make_entry(race, position=2, drivers=[driver], gap_laps=5)
    cite(entry, make_source("dewiki"))
    data = client.get(f"/api/drivers/{driver.slug}").json()
    [result] = data["results"]
    assert (result["sources"], result["gap"]) == (["dewiki"], "5 laps")


def test_team_results_without_sources_have_an_empty_list(client):
    entry = make_entry(make_race(), position=1)
    data = client.get(f"/api/teams/{entry.team.slug}").json()
    [result] = data["results"]
    assert (result["sources"], result["gap"]) == ([], None)


def test_driver_query_count_stays_constant_with_sources(
    client, django_assert_max_num_queries
):
    driver = make_driver("Werner")
    for _ in range(5):
        race = make_race()
        entry = make_entry(race, position=1, drivers=[driver])
        cite(entry, make_source(), make_source())
        make_entry(race, position=2)
    with django_assert_max_num_queries(6):
        client.get(f"/api/drivers/{driver.slug}")
