import re
from io import BytesIO

import pytest
from django.urls import resolve, reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from races.models import Driver, Race, Season

from .factories import make_driver, make_entry, make_race

pytestmark = pytest.mark.django_db

MID_OHIO = reverse("races:race-detail", kwargs={"year": 2004, "slug": "mid-ohio"})


def result_rows(response):
    """The ids of the results table's rows, in order."""
    html = response.content.decode()
    table = html[html.index('<table class="results"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr id="car-([^"]+)"', table)


def test_home_lists_every_round_with_a_link(client):
    response = client.get(reverse("races:home"))
    for race in Race.objects.all():
        assertContains(response, race.get_absolute_url())


def test_season_calendar_shows_class_winners(client):
    response = client.get(reverse("races:season-detail", kwargs={"year": 2004}))
    assertContains(response, "Mobil 1 12 Hours of Sebring")
    assertContains(response, "Johannes van Overbeek")


def test_unknown_season_is_a_404(client):
    response = client.get(reverse("races:season-detail", kwargs={"year": 1950}))
    assert response.status_code == 404


def test_mid_ohio_page_lists_all_27_cars(client):
    response = client.get(MID_OHIO)
    assert len(result_rows(response)) == 27
    assertContains(response, "Lamborghini Murciélago R-GT")


def test_results_are_in_official_order_by_default(client):
    rows = result_rows(client.get(MID_OHIO))
    assert rows[:3] == ["38", "20", "3"]
    assert rows[-2:] == ["weickardt-belloc", "krohn-maxwell"]


def test_results_sort_by_laps_descending(client):
    rows = result_rows(client.get(MID_OHIO, {"sort": "-laps"}))
    assert rows[0] == "38"


def test_results_sort_by_car_number_numerically(client):
    rows = result_rows(client.get(MID_OHIO, {"sort": "car_number"}))
    assert rows[:4] == ["3", "4", "16", "20"]


def test_class_filter_shows_only_that_class_and_keeps_the_sort(client):
    response = client.get(MID_OHIO, {"class": "LMP1", "sort": "-laps"})
    assert result_rows(response) == ["38", "20", "field-dayton", "16"]
    assertContains(response, 'name="sort" value="-laps"')


def test_results_table_caption_names_the_filter_and_partial_data(client):
    assertContains(client.get(MID_OHIO, {"class": "GT"}), "Mid-Ohio classification, GT")
    sebring = reverse("races:race-detail", kwargs={"year": 2004, "slug": "sebring"})
    assertContains(client.get(sebring), "(partial: only the cars our sources name)")


def test_bad_class_and_sort_fall_back_to_defaults(client):
    response = client.get(MID_OHIO, {"class": "F1", "sort": "drop table"})
    assert response.status_code == 200
    assert len(result_rows(response)) == 27


def test_partial_round_says_how_much_is_known(client):
    response = client.get(
        reverse("races:race-detail", kwargs={"year": 2004, "slug": "lime-rock"})
    )
    assertContains(response, "Partial classification")
    assertContains(response, "We know 2 of the 27 cars that started")


def test_complete_round_has_no_partial_notice(client):
    assertNotContains(client.get(MID_OHIO), "Partial classification")


def test_story_and_results_row_link_to_each_other(client):
    response = client.get(MID_OHIO)
    assertContains(response, 'id="story-38"')
    assertContains(response, 'href="#story-38"')
    assertContains(response, 'href="#car-38"')


def test_unknown_race_is_a_styled_404(client):
    response = client.get(
        reverse("races:race-detail", kwargs={"year": 2004, "slug": "monaco"})
    )
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, reverse("races:home"), status_code=404)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("driver-detail", "marco-werner"),
        ("team-detail", "dyson-racing"),
        ("car-detail", "audi-r8"),
        ("circuit-detail", "mid-ohio-sports-car-course"),
    ],
)
def test_detail_pages_render_and_404_for_unknown_slugs(client, name, slug):
    assert (
        client.get(reverse(f"races:{name}", kwargs={"slug": slug})).status_code == 200
    )
    missing = client.get(reverse(f"races:{name}", kwargs={"slug": "nobody"}))
    assert missing.status_code == 404


def test_driver_page_lists_every_race_of_the_driver(client):
    werner = Driver.objects.get(slug="marco-werner")
    response = client.get(werner.get_absolute_url())
    for race in Race.objects.filter(entries__crew__driver=werner):
        assertContains(response, race.get_absolute_url())


def test_class_colours_stylesheet_uses_admin_colours(client):
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
    with django_assert_max_num_queries(6):
        client.get(url)
    for position in range(4, 40):
        make_entry(race, "GT", position=position)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(result_rows(response)) == 39


@pytest.mark.parametrize(
    "url",
    [
        reverse("races:home"),
        reverse("races:season-detail", kwargs={"year": 2004}),
        reverse("races:driver-detail", kwargs={"slug": "marco-werner"}),
        reverse("races:team-detail", kwargs={"slug": "alex-job-racing"}),
        reverse("races:car-detail", kwargs={"slug": "porsche-911-gt3-rsr"}),
        reverse("races:circuit-detail", kwargs={"slug": "road-america"}),
    ],
)
def test_pages_stay_within_a_small_query_budget(
    client, django_assert_max_num_queries, url
):
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_share_card_is_a_1200_by_630_png(client):
    response = client.get(
        reverse("races:race-card", kwargs={"year": 2004, "slug": "mid-ohio"})
    )
    assert response["Content-Type"] == "image/png"
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


def test_race_page_points_open_graph_to_its_share_card(client):
    card = reverse("races:race-card", kwargs={"year": 2004, "slug": "mid-ohio"})
    assertContains(client.get(MID_OHIO), f'content="http://testserver{card}"')


def test_share_card_of_unknown_race_is_404(client):
    url = reverse("races:race-card", kwargs={"year": 2004, "slug": "monaco"})
    assert client.get(url).status_code == 404


STANDINGS = reverse("races:standings", kwargs={"year": 2004})


def row_html(response, anchor: str) -> str:
    """The HTML of one results table row."""
    html = response.content.decode()
    start = html.index(f'<tr id="{anchor}"')
    return html[start : html.index("</tr>", start)]


def test_mid_ohio_points_column_gives_gt_winners_twenty(client):
    response = client.get(MID_OHIO)
    assertContains(response, '?sort=points#results">Points')
    assert re.search(r'<td class="num">20</td>', row_html(response, "car-45"))
    assert re.search(r'<td class="num">16</td>', row_html(response, "car-23"))


def test_mid_ohio_points_column_gives_zero_under_seventy_percent(client):
    response = client.get(MID_OHIO)
    assert '0 <span class="points-note">(under 70%)</span>' in row_html(
        response, "car-field-dayton"
    )
    assertContains(response, "covered less than 70% of its class winner&#x27;s laps")


def test_race_page_marks_points_whose_distance_is_unverified(client):
    sebring = reverse("races:race-detail", kwargs={"year": 2004, "slug": "sebring"})
    response = client.get(sebring)
    assertContains(response, '<span class="visually-hidden"> (unverified)</span>')
    assertContains(response, "the minimum distance could not be checked")
    assertContains(response, "endurance race scale (26, 22, 19")


def test_results_sort_by_points_descending(client):
    rows = result_rows(client.get(MID_OHIO, {"sort": "-points"}))
    assert set(rows[:4]) == {"38", "3", "45", "field-liddell"}


def test_standings_url_is_not_read_as_a_race_slug(client):
    assert resolve(STANDINGS).url_name == "standings"
    assert client.get(STANDINGS).status_code == 200


def test_standings_of_an_unknown_season_is_a_404(client):
    response = client.get(reverse("races:standings", kwargs={"year": 1950}))
    assert response.status_code == 404


def test_standings_show_drivers_and_teams_tables_for_each_class(client):
    response = client.get(STANDINGS)
    for code in ("LMP1", "LMP2", "GTS", "GT"):
        assertContains(response, f"{code} drivers&#x27; championship, points per")
        assertContains(response, f"{code} teams&#x27; championship, points per")


def test_standings_lead_with_the_points_leaders(client):
    html = client.get(STANDINGS).content.decode()
    table = html[html.index('id="drivers-lmp1"') :]
    table = table[table.index("<tbody>") :]
    first_row = table[: table.index("</tr>")]
    assert "JJ Lehto" in first_row
    assert '<td class="num total">183</td>' in first_row


def test_standings_banner_names_every_partial_round(client):
    response = client.get(STANDINGS)
    assertContains(response, "These totals are incomplete.")
    html = response.content.decode()
    banner = html[html.index('<div class="notice"') :]
    banner = banner[: banner.index("</div>")]
    for race in Race.objects.filter(completeness="partial"):
        assert race.get_absolute_url() in banner
    assert "mid-ohio" not in banner


def test_standings_state_the_points_rules_from_the_data(client):
    response = client.get(STANDINGS)
    assertContains(response, "23, 19, 16, 13, 11, 9, 7, 6, 5, 4 points")
    assertContains(response, "at least 70% of its class winner's laps")
    assertContains(response, "only with its best-placed car")


def test_standings_chart_is_inline_svg_with_a_text_alternative(client):
    html = client.get(STANDINGS).content.decode()
    assert html.count("<svg") == 4
    assert 'role="img" aria-labelledby="chart-lmp1-title chart-lmp1-desc"' in html
    assert '<desc id="chart-lmp1-desc">' in html
    assert "Lehto / Werner 183 points" in html
    assert "The chart's figures as a table" in html


def test_standings_page_has_no_inline_styles_or_scripts(client):
    html = client.get(STANDINGS).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


def test_standings_are_in_the_main_navigation(client):
    response = client.get(STANDINGS)
    assertContains(response, f'href="{STANDINGS}" aria-current="page"')


def test_standings_ignore_a_race_that_does_not_count(client):
    race = Race.objects.get(slug="mid-ohio")
    race.points_scale = None
    race.save()
    html = client.get(STANDINGS).content.decode()
    assert "R2</span> Mid-Ohio" not in html
    assert client.get(MID_OHIO).status_code == 200


def add_synthetic_rounds(rounds: int = 12, cars: int = 30) -> None:
    """More 2004 rounds, each with a full field of new drivers and teams."""
    season = Season.objects.get(year=2004)
    scale = season.points_scales.get(slug="standard")
    classes = ["LMP1", "LMP2", "GTS", "GT"]
    for _ in range(rounds):
        race = make_race(season=season, points_scale=scale)
        for position in range(1, cars + 1):
            make_entry(
                race,
                classes[position % 4],
                position=position,
                laps=200 - position,
                drivers=[make_driver(), make_driver()],
            )


STANDINGS_QUERY_BUDGET = 4  # season, races, entries, crews


def test_standings_stay_within_a_query_budget(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(STANDINGS_QUERY_BUDGET):
        assert client.get(STANDINGS).status_code == 200


def test_standings_query_budget_holds_with_many_rounds_and_entries(
    client, django_assert_max_num_queries
):
    add_synthetic_rounds()
    with django_assert_max_num_queries(STANDINGS_QUERY_BUDGET):
        response = client.get(STANDINGS)
    assert response.status_code == 200
    assert len(response.context["classes"][0]["standings"].races) == 9 + 12
