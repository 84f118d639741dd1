"""Fan pages beyond the race page: home, classes, drivers, sitemap, meta tags."""

import json
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races.models import CarModel, Circuit, Driver, Entry, Race, Team

from .factories import (
    make_car_model,
    make_classified_race,
    make_driver,
    make_race,
    make_regulation,
    make_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race()


def winners_of(race, slug: str) -> list[Driver]:
    return list(race.entries.get(slug=slug).drivers.order_by("crews__order"))


def test_home_shows_class_winners_tallied_across_the_season(client, race):
    make_classified_race(
        season=race.season, short_name="Othertown", crews={"7": winners_of(race, "7")}
    )
    response = client.get(reverse("races:home"))
    html = response.content.decode()
    lmp1 = html[html.index('id="wins-lmp1"') : html.index('id="wins-lmp2"')]
    assert "2 wins" in lmp1
    assert "Testville" in lmp1
    assert "Othertown" in lmp1


def test_home_shows_the_latest_race_report_and_the_series_in_brief(client, race):
    make_race(season=race.season, name="Later Grand Prix", summary="")
    latest = make_race(season=race.season, name="Last Reported Grand Prix")
    make_race(season=race.season, name="Unreported Grand Prix", summary="")
    latest.summary = "The last report."
    latest.save()
    response = client.get(reverse("races:home"))
    assertContains(response, "Latest race report: Last Reported Grand Prix")
    assertContains(response, "Don Panoz")
    assertContains(response, "Automobile Club de l'Ouest")


@pytest.fixture
def regulations(race):
    """Two classes' rules, with example cars that did and did not race."""
    raced = race.entries.get(slug="7").car_model
    make_regulation(
        "LMP1",
        season=race.season,
        min_weight_kg=900,
        top_speed_min_mph=200,
        example_cars=[raced],
    )
    make_regulation(
        "GT",
        season=race.season,
        top_speed_min_mph=180,
        top_speed_max_mph=195,
        notable_rules="Carbon-fibre brakes are not allowed.",
        background="Once known as LMP675.",
        example_cars=[make_car_model("M3", "BMW")],
    )
    return raced


def test_regulations_show_the_four_classes_with_converted_units(client, regulations):
    response = client.get(reverse("races:regulations"))
    assertContains(response, "900 kg (1984 lb)")
    assertContains(response, "Over 200 mph (322 km/h)")
    assertContains(response, "180–195 mph (290–314 km/h)")
    assertContains(response, "Carbon-fibre brakes are not allowed")
    assertContains(response, "LMP675")


def test_regulations_link_example_cars_and_cars_that_raced(client, regulations):
    response = client.get(reverse("races:regulations"))
    assertContains(response, CarModel.objects.get(slug="bmw-m3").get_absolute_url())
    assertContains(response, regulations.get_absolute_url())


def test_driver_list_is_grouped_by_surname_initial_once_each(client, race):
    make_driver("van Tester")
    make_driver("Vance")
    html = client.get(reverse("races:driver-list")).content.decode()
    initials = re.findall(r'<h2 id="letter-(.)">', html)
    assert initials == sorted(set(initials))
    assert "V" in initials


def test_driver_list_links_every_driver(client, race):
    response = client.get(reverse("races:driver-list"))
    for driver in Driver.objects.all():
        assertContains(response, driver.get_absolute_url())


def test_driver_page_summarises_the_season(client, race):
    winner = winners_of(race, "7")
    make_classified_race(season=race.season, crews={"8": winner})
    response = client.get(winner[0].get_absolute_url())
    summary = response.context["summary"]
    assert (summary.entries, summary.class_wins) == (2, 1)


def test_driver_page_lists_co_drivers_but_not_the_driver(client, race):
    driver, co_driver = winners_of(race, "7")
    response = client.get(driver.get_absolute_url())
    html = response.content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "Co-drivers" in table
    assert driver.get_absolute_url() not in table
    assertContains(response, co_driver.get_absolute_url())


def test_driver_known_by_surname_only_says_so(client, race):
    driver = make_driver("Onlyname", first_name="")
    response = client.get(driver.get_absolute_url())
    assertContains(response, "only this driver's surname")


def test_car_page_names_the_classes_it_typifies(client, regulations):
    response = client.get(reverse("races:car-detail", kwargs={"slug": "bmw-m3"}))
    assertContains(response, "Named as a typical car of")
    assertContains(response, "No races recorded.")


def test_sitemap_lists_every_public_page(client, race):
    response = client.get(reverse("sitemap"))
    locations = set(
        re.findall(r"<loc>http://testserver([^<]+)</loc>", response.content.decode())
    )
    expected = {
        reverse("races:home"),
        reverse("races:regulations"),
        reverse("races:driver-list"),
        reverse("api-docs"),
        reverse("corrections:changelog"),
    }
    expected |= {race.get_absolute_url() for race in Race.objects.all()}
    for model in (Driver, Team, CarModel, Circuit):
        expected |= {obj.get_absolute_url() for obj in model.objects.all()}
    expected.add(reverse("races:season-detail", kwargs={"year": race.season.year}))
    expected.add(reverse("races:standings", kwargs={"year": race.season.year}))
    expected.add(reverse("races:coverage", kwargs={"year": race.season.year}))
    assert locations == expected


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get(reverse("robots-txt"))
    assertContains(response, "Sitemap: http://testserver/sitemap.xml")
    assertContains(response, "Disallow: /admin/")


def test_race_page_carries_sports_event_structured_data(client, race):
    html = client.get(race.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "SportsEvent"
    assert data["startDate"] == race.held_on.isoformat()
    assert data["location"]["name"] == race.circuit.name
    class_winners = {winners_of(race, "7")[0].full_name}
    class_winners.add(winners_of(race, "31")[0].full_name)
    assert class_winners <= {w["name"] for w in data["winner"]}


def test_structured_data_cannot_break_out_of_its_script(client, race):
    race.name = "</script><script>alert(1)</script>"
    race.save()
    assertNotContains(client.get(race.get_absolute_url()), "<script>alert(1)")


def page_urls(race) -> dict[str, str]:
    year = {"year": race.season.year}
    return {
        "home": reverse("races:home"),
        "season": reverse("races:season-detail", kwargs=year),
        "standings": reverse("races:standings", kwargs=year),
        "race": race.get_absolute_url(),
        "regulations": reverse("races:regulations"),
        "driver-list": reverse("races:driver-list"),
        "driver": make_driver("O'Tester", first_name="Johnny").get_absolute_url(),
    }


@pytest.mark.parametrize(
    "page",
    ["home", "season", "standings", "race", "regulations", "driver-list", "driver"],
)
def test_every_page_has_title_description_canonical_and_one_h1(client, race, page):
    url = page_urls(race)[page]
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · ALMS 2004</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert re.search(r'<meta property="og:title" content="[^"]+">', html)
    assert 'href="#main"' in html


def test_meta_tags_are_escaped_once(client):
    driver = make_driver("O'Tester", first_name="Johnny")
    response = client.get(driver.get_absolute_url())
    assertContains(
        response, '<meta property="og:title" content="Johnny O&#x27;Tester">'
    )


def test_current_section_is_marked_in_the_navigation(client):
    response = client.get(reverse("races:regulations"))
    assertContains(response, 'href="/classes/" aria-current="page"')


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (reverse("races:regulations"), 4),
        (reverse("races:driver-list"), 2),
        # Two queries (count and items) for each of the nine sections.
        (reverse("sitemap"), 18),
    ],
)
def test_listing_pages_stay_within_a_small_query_budget(
    client, django_assert_max_num_queries, regulations, url, budget
):
    make_classified_race(season=Race.objects.get().season)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def leader_card(html: str, code: str) -> str:
    card = html[html.index(f'id="leaders-{code}"') :]
    return card[: card.index("</section>")]


def test_home_shows_each_class_championship_leader(client, race):
    gt_drivers = winners_of(race, "31")
    gts_team = race.entries.get(slug="11").team
    response = client.get(reverse("races:home"))
    assertContains(response, "Championship leaders")
    html = response.content.decode()
    gt_card = leader_card(html, "gt")
    for driver in gt_drivers:
        assert driver.full_name in gt_card
    assert "</a>: <strong>20 points</strong>" in gt_card
    assert f"{gts_team.name}</a>: <strong>20 points</strong>" in leader_card(
        html, "gts"
    )
    assertContains(
        response, reverse("races:standings", kwargs={"year": race.season.year})
    )


def test_driver_page_shows_points_per_round_and_championship_place(client, race):
    # Like Jon Field in 2004: an LMP1 car under 70% (0 points), a second place
    # in LMP1 (16) and an LMP2 class win (20).
    driver = make_driver("Fielder")
    Entry.objects.get(race=race, slug="slow-prototype").crew.filter(order=1).update(
        driver=driver
    )
    make_classified_race(season=race.season, crews={"8": [driver, make_driver()]})
    make_classified_race(season=race.season, crews={"21": [driver, make_driver()]})
    response = client.get(driver.get_absolute_url())
    year = race.season.year
    assertContains(response, f"{year} LMP1 drivers' championship: 7th (tied)")
    assertContains(response, f"{year} LMP2 drivers' championship: 1st (tied)")
    html = response.content.decode()
    lmp1 = html[html.index(f'id="championship-lmp1-{year}"') :]
    lmp1 = lmp1[: lmp1.index("</table>")]
    assert re.findall(r'<td class="num">(\d+)</td>', lmp1) == ["0", "16"]


def test_team_page_counts_only_the_best_car_per_round(client, race):
    team = make_team("Bestcar")
    race.entries.filter(slug="11").update(team=team)
    second = make_classified_race(season=race.season)
    second.entries.filter(slug__in=["11", "12"]).update(team=team)
    response = client.get(team.get_absolute_url())
    assertContains(response, f"{race.season.year} GTS teams' championship: 1st of")
    html = response.content.decode()
    gts = html[html.index(f'id="championship-gts-{race.season.year}"') :]
    gts = gts[: gts.index("</tbody>")]
    # The second race: its cars were first (20) and second; only the 20 counts.
    assert re.findall(r'<td class="num">(\d+)', gts)[:2] == ["20", "20"]
    assertContains(response, "A team scores only with its best-placed car")
