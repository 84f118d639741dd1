import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from races.classification import classify
from races.models import Driver, Entry, Race

from .factories import (
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race()


def race_path(race) -> str:
    return f"/api/races/{race.season.year}/{race.slug}"


def get_json(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_openapi_document_is_valid(client):
    document = get_json(client, "/api/openapi.json")
    validate(document)
    assert "/api/races/{year}/{slug}" in document["paths"]


def test_api_documents_only_get_operations(client):
    document = get_json(client, "/api/openapi.json")
    methods = {method for ops in document["paths"].values() for method in ops}
    assert methods == {"get"}


def test_api_refuses_writes(client):
    response = client.post("/api/races", {}, content_type="application/json")
    assert response.status_code == 405


def test_api_docs_page_describes_every_endpoint(client):
    response = client.get(reverse("api-docs"))
    document = get_json(client, "/api/openapi.json")
    html = response.content.decode()
    for path in document["paths"]:
        assert f"GET {path}" in html


def test_season_lists_its_races(client, race):
    second = make_classified_race(season=race.season)
    season = get_json(client, f"/api/seasons/{race.season.year}")
    assert [race["slug"] for race in season["races"]] == [race.slug, second.slug]


def test_races_filter_by_season(client, race):
    make_classified_race(season=race.season)
    assert len(get_json(client, "/api/races", season=race.season.year)) == 2
    assert get_json(client, "/api/races", season=1950) == []


def test_race_classification_agrees_with_the_race_page(client, race):
    data = get_json(client, race_path(race))
    rows = classify(race.entries.for_results_table())
    assert data["entries_known"] == 10
    assert [
        (r["position"], r["car_class"], r["class_position"], r["laps"])
        for r in data["classification"]
    ] == [
        (
            row.entry.position,
            row.entry.car_class.code,
            row.class_position,
            row.entry.laps,
        )
        for row in rows
    ]
    html = client.get(race.get_absolute_url()).content.decode()
    for row in data["classification"]:
        for driver in row["drivers"]:
            assert f"/drivers/{driver['slug']}/" in html


def test_race_fields_use_null_for_unknown_values(client, race):
    surname_only = make_driver("Lally", first_name="")
    make_entry(
        race, "LMP2", car_number="", team=None, position=12, drivers=[surname_only]
    )
    data = get_json(client, race_path(race))
    lally = next(r for r in data["classification"] if r["position"] == 12)
    assert lally["car_number"] is None
    assert lally["team"] is None
    assert lally["drivers"][0] == {"slug": surname_only.slug, "name": "Lally"}


def test_driver_list_is_paginated(client):
    for _ in range(55):
        make_driver()
    first = get_json(client, "/api/drivers")
    assert first["count"] == Driver.objects.count()
    assert len(first["items"]) == 50
    second = get_json(client, "/api/drivers", page=2)
    assert len(first["items"]) + len(second["items"]) == first["count"]


def test_page_that_is_not_a_number_is_a_client_error(client):
    assert client.get("/api/drivers", {"page": "abc"}).status_code == 422


def test_driver_detail_lists_results_in_calendar_order(client, race):
    driver = make_driver("Werner", first_name="Marco")
    crew = [driver, make_driver()]
    race.entries.get(slug="8").crew.filter(order=1).update(driver=driver)
    make_classified_race(season=race.season, crews={"7": crew})
    make_classified_race(season=race.season, crews={"9": crew})
    data = get_json(client, f"/api/drivers/{driver.slug}")
    assert data["full_name"] == "Marco Werner"
    assert [r["round"] for r in data["results"]] == [1, 2, 3]
    assert data["results"][1]["class_position"] == 1


def test_team_detail_lists_its_cars(client, race):
    team = make_team("Twocars")
    race.entries.filter(slug__in=["7", "8"]).update(team=team)
    data = get_json(client, f"/api/teams/{team.slug}")
    assert {r["car_number"] for r in data["results"]} >= {"7", "8"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/drivers/nobody",
        "/api/teams/nobody",
        "/api/races/2004/monaco",
        "/api/seasons/1950",
        "/api/races/abc/mid-ohio",
    ],
)
def test_unknown_ids_are_4xx_with_a_message(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert "detail" in response.json()


def test_api_responses_carry_an_etag_and_answer_304(client, race):
    response = client.get(race_path(race))
    etag = response["ETag"]
    again = client.get(race_path(race), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_race_endpoint_query_count_is_constant(
    client, django_assert_max_num_queries, race
):
    # The race, its counts per class, its facts' sources, its entries, their
    # crews and their sources, and its photos.
    with django_assert_max_num_queries(7):
        client.get(race_path(race))


def test_race_classification_carries_computed_points(client, race):
    data = get_json(client, race_path(race))
    by_position = {row["position"]: row for row in data["classification"]}
    assert by_position[6]["points"] == 20  # GT winners
    assert by_position[8]["points"] == 0  # LMP1, under 70%
    [non_starter] = [
        row
        for row in data["classification"]
        if row["status"] == Entry.Status.DID_NOT_START
    ]
    assert non_starter["points"] == 0


def test_standings_agree_with_the_standings_page(client, race):
    crew = list(race.entries.get(slug="7").drivers.all())
    make_classified_race(season=race.season, crews={"7": crew})
    partial = make_race(season=race.season, completeness=Race.Completeness.PARTIAL)
    make_entry(partial, position=1)
    year = race.season.year
    data = get_json(client, f"/api/standings/{year}")
    lmp1 = next(item for item in data["classes"] if item["car_class"] == "LMP1")
    leader = lmp1["drivers"][0]
    assert leader["position"] == 1
    assert leader["total"] == 40
    html = client.get(reverse("races:standings", kwargs={"year": year})).content
    assert b'<td class="total">40<' in html
    assert data["complete"] is False


def test_standings_of_unknown_season_is_404(client):
    assert client.get("/api/standings/1950").status_code == 404
