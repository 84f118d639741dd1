import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races.search import normalise, search

from .factories import (
    make_car_model,
    make_circuit,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
    make_story,
    make_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

SEARCH = reverse("races:search")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Murciélago", "murcielago"),
        ("O'Connell", "oconnell"),
        ("  Mid-Ohio  ", "mid ohio"),
        ("JÖRG", "jorg"),
    ],
)
def test_normalise_drops_case_accents_and_punctuation(text, expected):
    assert normalise(text) == expected


def names(results, key):
    return [
        str(item) for kind, items in results.groups if kind.key == key for item in items
    ]


def test_search_ignores_accents():
    make_car_model("Murciélago R-GT", "Lamborghini")
    assert names(search("Murcielago"), "cars") == ["Lamborghini Murciélago R-GT"]


def test_search_ignores_case_and_apostrophes():
    make_driver("O'Connell", first_name="Johnny")
    assert names(search("oconnell"), "drivers") == ["Johnny O'Connell"]


def test_search_finds_races_circuits_teams_and_stories():
    circuit = make_circuit(slug="testville", name="Testville Sports Car Course")
    race = make_race(name="American Le Mans at Testville", circuit=circuit)
    entry = make_entry(race, position=1, team=make_team("Flying Lizard Motorsports"))
    make_story(entry, headline="A broken toe link and a late pass")
    results = search("testville")
    assert names(results, "races") == [str(race)]
    assert names(results, "circuits") == ["Testville Sports Car Course"]
    assert "Flying Lizard Motorsports" in names(search("lizard"), "teams")
    assert names(search("toe link"), "stories") == ["A broken toe link and a late pass"]


def test_search_treats_like_wildcards_literally():
    assert search("%").count == 0
    assert search("_").count == 0


def test_search_page_groups_results_by_kind(client):
    make_driver("Werner", first_name="Marco")
    response = client.get(SEARCH, {"q": "werner"})
    assertContains(response, '<h2 id="results-drivers">Drivers</h2>', html=False)
    assertContains(response, "/drivers/marco-werner/")


def test_empty_search_shows_help_not_results(client):
    response = client.get(SEARCH, {"q": "   "})
    assertContains(response, "Type a name above")
    assertNotContains(response, 'role="status"')


def test_very_long_search_is_a_clear_400(client):
    response = client.get(SEARCH, {"q": "a" * 101})
    assertContains(response, "at most 100 characters", status_code=400)


def test_search_with_no_match_says_so(client):
    assertContains(client.get(SEARCH, {"q": "zzzz"}), "Nothing matches")


def test_header_search_box_works_without_javascript(client):
    response = client.get(reverse("races:home"))
    assertContains(response, f'action="{SEARCH}" role="search"')
    assertContains(response, 'name="q"')


def test_search_query_count_is_constant(client, django_assert_max_num_queries):
    make_classified_race()
    with django_assert_max_num_queries(6):
        client.get(SEARCH, {"q": "a"})
