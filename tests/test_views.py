import re
from io import BytesIO

import pytest
from django.urls import resolve, reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from races.models import CarClass, Entry, Race

from .factories import (
    add_full_field,
    make_classified_race,
    make_entry,
    make_points_scale,
    make_race,
    make_season,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race()


@pytest.fixture
def race_url(race):
    return race.get_absolute_url()


@pytest.fixture
def standings_url(race):
    return reverse("races:standings", kwargs={"year": race.season.year})


def make_partial_race(season, **overrides) -> Race:
    """A partial race that names two cars, the second with its laps unknown."""
    race = make_race(
        season=season,
        short_name="Partville",
        completeness=Race.Completeness.PARTIAL,
        **overrides,
    )
    make_entry(race, position=1, laps=300, status=Entry.Status.CLASSIFIED)
    make_entry(race, position=2, laps=None, status=Entry.Status.CLASSIFIED)
    return race


def race_rows(race) -> dict[str, Entry]:
    return {entry.slug: entry for entry in race.entries.all()}


def result_rows(response):
    """The ids of the results table's rows, in order."""
    html = response.content.decode()
    table = html[html.index('<table class="results"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr id="car-([^"]+)"', table)


def test_home_lists_every_round_with_a_link(client, race):
    other = make_classified_race(season=race.season)
    response = client.get(reverse("races:home"))
    for each in (race, other):
        assertContains(response, each.get_absolute_url())


def test_season_calendar_shows_class_winners(client, race):
    gt_winner = race.entries.get(slug="31").drivers.first()
    response = client.get(
        reverse("races:season-detail", kwargs={"year": race.season.year})
    )
    assertContains(response, race.name)
    assertContains(response, gt_winner.full_name)


def test_unknown_season_is_a_404(client):
    response = client.get(reverse("races:season-detail", kwargs={"year": 1950}))
    assert response.status_code == 404


def test_race_page_lists_every_car(client, race, race_url):
    response = client.get(race_url)
    assert len(result_rows(response)) == race.entries.count()
    assertContains(response, "Audi R8")


def test_results_are_in_official_order_by_default(client, race_url):
    rows = result_rows(client.get(race_url))
    assert rows[:3] == ["7", "8", "11"]
    assert rows[-2:] == ["9", "non-starter"]


def test_results_sort_by_laps_descending(client, race_url):
    rows = result_rows(client.get(race_url, {"sort": "-laps"}))
    assert rows[0] == "7"


def test_results_sort_by_car_number_numerically(client, race_url):
    rows = result_rows(client.get(race_url, {"sort": "car_number"}))
    assert rows[:4] == ["7", "8", "9", "11"]


def test_class_filter_shows_only_that_class_and_keeps_the_sort(client, race_url):
    response = client.get(race_url, {"class": "LMP1", "sort": "-laps"})
    assert result_rows(response) == ["7", "8", "slow-prototype", "9"]
    assertContains(response, 'name="sort" value="-laps"')


def test_results_table_caption_names_the_filter_and_partial_data(client, race):
    response = client.get(race.get_absolute_url(), {"class": "GT"})
    assertContains(response, "Testville classification, GT")
    partial = make_partial_race(race.season)
    assertContains(
        client.get(partial.get_absolute_url()),
        "(partial: only the cars our sources name)",
    )


def test_bad_class_and_sort_fall_back_to_defaults(client, race, race_url):
    response = client.get(race_url, {"class": "F1", "sort": "drop table"})
    assert response.status_code == 200
    assert len(result_rows(response)) == race.entries.count()


def test_partial_round_says_how_much_is_known(client, race):
    partial = make_partial_race(race.season, reported_starters=27)
    response = client.get(partial.get_absolute_url())
    assertContains(response, "Partial classification")
    assertContains(response, "We know 2 of the 27 cars that started")


def test_partial_round_counts_the_known_cars_against_those_entered(client, race):
    partial = make_partial_race(race.season, reported_starters=27)
    Race.objects.filter(pk=partial.pk).update(reported_entries=44)
    response = client.get(partial.get_absolute_url())
    assertContains(response, "We know 2 of the 44 cars entered")
    text = " ".join(response.content.decode().split())
    assert "2 cars known of 44 entered; 27 started" in text


def test_complete_round_has_no_partial_notice(client, race_url):
    assertNotContains(client.get(race_url), "Partial classification")


def test_story_and_results_row_link_to_each_other(client, race_url):
    response = client.get(race_url)
    assertContains(response, 'id="story-7"')
    assertContains(response, 'href="#story-7"')
    assertContains(response, 'href="#car-7"')


def test_unknown_race_is_a_styled_404(client, race):
    response = client.get(
        reverse(
            "races:race-detail", kwargs={"year": race.season.year, "slug": "monaco"}
        )
    )
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, reverse("races:home"), status_code=404)


def detail_slugs(race) -> dict[str, str]:
    """A slug for each detail page, all of them taking part in the race."""
    winner = race.entries.get(slug="7")
    return {
        "driver-detail": winner.drivers.first().slug,
        "team-detail": winner.team.slug,
        "car-detail": winner.car_model.slug,
        "circuit-detail": race.circuit.slug,
    }


@pytest.mark.parametrize(
    "name", ["driver-detail", "team-detail", "car-detail", "circuit-detail"]
)
def test_detail_pages_render_and_404_for_unknown_slugs(client, race, name):
    slug = detail_slugs(race)[name]
    assert (
        client.get(reverse(f"races:{name}", kwargs={"slug": slug})).status_code == 200
    )
    missing = client.get(reverse(f"races:{name}", kwargs={"slug": "nobody"}))
    assert missing.status_code == 404


def test_driver_page_lists_every_race_of_the_driver(client, race):
    driver = race.entries.get(slug="7").drivers.first()
    other = make_race(season=race.season)
    make_entry(other, position=1, drivers=[driver])
    response = client.get(driver.get_absolute_url())
    for each in (race, other):
        assertContains(response, each.get_absolute_url())


def test_class_colours_stylesheet_uses_admin_colours(client, race):
    CarClass.objects.filter(code="LMP1").update(colour="#b3122e")
    response = client.get(reverse("races:class-colours"))
    assert response["Content-Type"].startswith("text/css")
    assertContains(response, ".class-lmp1 { --class-colour: #b3122e; }")


def test_race_page_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries
):
    race = make_race()
    for position in range(1, 4):
        make_entry(race, position=position)
    url = race.get_absolute_url()
    # Seven, and one for the race's photos (however many: tests/test_photos.py).
    with django_assert_max_num_queries(8):
        client.get(url)
    for position in range(4, 40):
        make_entry(race, "GT", position=position)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(result_rows(response)) == 39


def page_urls(race) -> dict[str, str]:
    gt_winner = race.entries.get(slug="31")
    return {
        "home": reverse("races:home"),
        "season": reverse("races:season-detail", kwargs={"year": race.season.year}),
        "driver": gt_winner.drivers.first().get_absolute_url(),
        "team": gt_winner.team.get_absolute_url(),
        "car": gt_winner.car_model.get_absolute_url(),
        "circuit": race.circuit.get_absolute_url(),
    }


@pytest.mark.parametrize("page", ["home", "season", "driver", "team", "car", "circuit"])
def test_pages_stay_within_a_small_query_budget(
    client, django_assert_max_num_queries, race, page
):
    make_classified_race(season=race.season)
    url = page_urls(race)[page]
    # Eight, and one for the photos a driver, team or car appears in.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def card_url(race) -> str:
    return reverse(
        "races:race-card", kwargs={"year": race.season.year, "slug": race.slug}
    )


def test_share_card_is_a_1200_by_630_png(client, race):
    response = client.get(card_url(race))
    assert response["Content-Type"] == "image/png"
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


def test_race_page_points_open_graph_to_its_share_card(client, race, race_url):
    assertContains(client.get(race_url), f'content="http://testserver{card_url(race)}"')


def test_share_card_of_unknown_race_is_404(client, race):
    url = reverse(
        "races:race-card", kwargs={"year": race.season.year, "slug": "monaco"}
    )
    assert client.get(url).status_code == 404


def row_html(response, anchor: str) -> str:
    """The HTML of one results table row."""
    html = response.content.decode()
    start = html.index(f'<tr id="{anchor}"')
    return html[start : html.index("</tr>", start)]


def test_points_column_gives_class_winners_twenty(client, race_url):
    response = client.get(race_url)
    assertContains(response, '?sort=points#results">Points')
    assert re.search(r'<td class="num">20</td>', row_html(response, "car-31"))
    assert re.search(r'<td class="num">16</td>', row_html(response, "car-32"))


def test_points_column_gives_zero_under_seventy_percent(client, race_url):
    response = client.get(race_url)
    assert '0 <span class="points-note">(under 70%)</span>' in row_html(
        response, "car-slow-prototype"
    )
    assertContains(response, "covered less than 70% of its class winner&#x27;s laps")


def test_race_page_marks_points_whose_distance_is_unverified(client, race):
    endurance = make_points_scale(
        season=race.season,
        name="Endurance race",
        points="26, 22, 19, 16, 14, 12, 10, 9, 8, 7",
    )
    partial = make_partial_race(race.season, points_scale=endurance)
    response = client.get(partial.get_absolute_url())
    assertContains(response, '<span class="visually-hidden"> (unverified)</span>')
    assertContains(response, "the minimum distance could not be checked")
    assertContains(response, "endurance race scale (26, 22, 19")


def test_results_sort_by_points_descending(client, race_url):
    rows = result_rows(client.get(race_url, {"sort": "-points"}))
    assert set(rows[:4]) == {"7", "11", "21", "31"}


def test_standings_url_is_not_read_as_a_race_slug(client, standings_url):
    assert resolve(standings_url).url_name == "standings"
    assert client.get(standings_url).status_code == 200


def test_standings_of_an_unknown_season_is_a_404(client):
    response = client.get(reverse("races:standings", kwargs={"year": 1950}))
    assert response.status_code == 404


def test_standings_show_drivers_and_teams_tables_for_each_class(client, standings_url):
    response = client.get(standings_url)
    for code in ("LMP1", "LMP2", "GTS", "GT"):
        assertContains(response, f"{code} drivers&#x27; championship, points per")
        assertContains(response, f"{code} teams&#x27; championship, points per")


def test_standings_lead_with_the_points_leaders(client, race, standings_url):
    winner = race.entries.get(slug="7").drivers.first()
    html = client.get(standings_url).content.decode()
    table = html[html.index('id="drivers-lmp1"') :]
    table = table[table.index("<tbody>") :]
    first_row = table[: table.index("</tr>")]
    assert winner.full_name in first_row
    assert '<td class="total">20<' in first_row


def test_standings_banner_names_every_partial_round(client, race, standings_url):
    partial = make_partial_race(race.season)
    response = client.get(standings_url)
    assertContains(response, "These totals are incomplete.")
    html = response.content.decode()
    banner = html[html.index('<div class="notice"') :]
    banner = banner[: banner.index("</div>")]
    assert partial.get_absolute_url() in banner
    assert race.get_absolute_url() not in banner


def test_standings_state_the_points_rules_from_the_data(client, standings_url):
    response = client.get(standings_url)
    assertContains(response, "20, 16, 13, 10, 8, 6, 4, 3, 2, 1 points")
    assertContains(response, "at least 70% of its class winner's laps")
    assertContains(response, "only with its best-placed car")


def test_standings_chart_is_inline_svg_with_a_text_alternative(
    client, race, standings_url
):
    surnames = " / ".join(
        driver.last_name for driver in race.entries.get(slug="7").drivers.all()
    )
    html = client.get(standings_url).content.decode()
    assert html.count('<svg class="chart"') == 4
    assert 'role="img" aria-labelledby="chart-lmp1-title chart-lmp1-desc"' in html
    assert '<desc id="chart-lmp1-desc">' in html
    assert f"{surnames} 20 points" in html
    assert "The chart's figures as a table" in html


def test_standings_page_has_no_inline_styles_or_scripts(client, standings_url):
    html = client.get(standings_url).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


def test_standings_are_in_the_main_navigation(client):
    # The header links the site's season; make it the only one there is.
    race = make_classified_race(season=make_season(2004))
    standings_url = reverse("races:standings", kwargs={"year": race.season.year})
    response = client.get(standings_url)
    assertContains(response, f'href="{standings_url}" aria-current="page"')


def test_standings_ignore_a_race_that_does_not_count(client, race, standings_url):
    other = make_classified_race(season=race.season, short_name="Othertown")
    round_heading = re.compile(rf"R{other.round_number}</b>\s+Othertown")
    assert round_heading.search(client.get(standings_url).content.decode())
    other.points_scale = None
    other.save()
    assert not round_heading.search(client.get(standings_url).content.decode())
    assert client.get(other.get_absolute_url()).status_code == 200


def add_synthetic_rounds(season, rounds: int = 12, cars: int = 30) -> None:
    """More rounds, each with a full field of new drivers and teams."""
    for _ in range(rounds):
        add_full_field(make_race(season=season), cars)


STANDINGS_QUERY_BUDGET = 5  # season, races, entries, crews, class counts


def test_standings_stay_within_a_query_budget(
    client, django_assert_max_num_queries, standings_url
):
    with django_assert_max_num_queries(STANDINGS_QUERY_BUDGET):
        assert client.get(standings_url).status_code == 200


@pytest.mark.slow
def test_standings_query_budget_holds_with_many_rounds_and_entries(
    client, django_assert_max_num_queries, race, standings_url
):
    add_synthetic_rounds(race.season)
    with django_assert_max_num_queries(STANDINGS_QUERY_BUDGET):
        response = client.get(standings_url)
    assert response.status_code == 200
    assert len(response.context["classes"][0]["standings"].races) == 1 + 12
