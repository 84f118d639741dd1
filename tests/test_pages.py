"""Fan pages beyond the race page: home, classes, drivers, sitemap, meta tags."""

import json
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races.models import CarModel, Circuit, Driver, Race, Team

pytestmark = pytest.mark.django_db

MID_OHIO = reverse("races:race-detail", kwargs={"year": 2004, "slug": "mid-ohio"})


def test_home_shows_class_winners_tallied_across_the_season(client):
    response = client.get(reverse("races:home"))
    html = response.content.decode()
    lmp1 = html[html.index('id="wins-lmp1"') : html.index('id="wins-lmp2"')]
    assert "6 wins" in lmp1  # Lehto and Werner, whatever their listed order
    assert "Mid-Ohio" in lmp1


def test_home_shows_the_latest_race_report_and_the_series_in_brief(client):
    response = client.get(reverse("races:home"))
    assertContains(response, "Latest race report: Audi Sports Car Championships")
    assertContains(response, "Don Panoz")
    assertContains(response, "Automobile Club de l'Ouest")


def test_regulations_show_the_four_classes_with_converted_units(client):
    response = client.get(reverse("races:regulations"))
    assertContains(response, "900 kg (1984 lb)")
    assertContains(response, "Over 200 mph (322 km/h)")
    assertContains(response, "180–195 mph (290–314 km/h)")
    assertContains(response, "Carbon-fibre brakes are not allowed")
    assertContains(response, "LMP675")


def test_regulations_link_example_cars_and_cars_that_raced(client):
    response = client.get(reverse("races:regulations"))
    assertContains(response, CarModel.objects.get(slug="bmw-m3").get_absolute_url())
    assertContains(
        response, CarModel.objects.get(slug="pilbeam-mp91").get_absolute_url()
    )


def test_driver_list_is_grouped_by_surname_initial_once_each(client):
    html = client.get(reverse("races:driver-list")).content.decode()
    initials = re.findall(r'<h2 id="letter-(.)">', html)
    assert initials == sorted(set(initials))
    assert "V" in initials  # van Overbeek, van der Steur


def test_driver_list_links_every_driver(client):
    response = client.get(reverse("races:driver-list"))
    for driver in Driver.objects.all():
        assertContains(response, driver.get_absolute_url())


def test_driver_page_summarises_the_season(client):
    response = client.get(
        reverse("races:driver-detail", kwargs={"slug": "marco-werner"})
    )
    summary = response.context["summary"]
    assert (summary.entries, summary.class_wins) == (9, 6)


def test_driver_page_lists_co_drivers_but_not_the_driver(client):
    werner = Driver.objects.get(slug="marco-werner")
    response = client.get(werner.get_absolute_url())
    html = response.content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "Co-drivers" in table
    assert werner.get_absolute_url() not in table
    assertContains(response, Driver.objects.get(slug="jj-lehto").get_absolute_url())


def test_driver_known_by_surname_only_says_so(client):
    response = client.get(reverse("races:driver-detail", kwargs={"slug": "petersen"}))
    assertContains(response, "only this driver's surname")


def test_car_page_names_the_classes_it_typifies(client):
    response = client.get(reverse("races:car-detail", kwargs={"slug": "bmw-m3"}))
    assertContains(response, "Named as a typical car of")
    assertContains(response, "No races recorded.")


def test_sitemap_lists_every_public_page(client):
    response = client.get(reverse("sitemap"))
    locations = set(
        re.findall(r"<loc>http://testserver([^<]+)</loc>", response.content.decode())
    )
    expected = {
        reverse("races:home"),
        reverse("races:regulations"),
        reverse("races:driver-list"),
        reverse("api-docs"),
    }
    expected |= {race.get_absolute_url() for race in Race.objects.all()}
    for model in (Driver, Team, CarModel, Circuit):
        expected |= {obj.get_absolute_url() for obj in model.objects.all()}
    expected.add(reverse("races:season-detail", kwargs={"year": 2004}))
    expected.add(reverse("races:standings", kwargs={"year": 2004}))
    assert locations == expected


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get(reverse("robots-txt"))
    assertContains(response, "Sitemap: http://testserver/sitemap.xml")
    assertContains(response, "Disallow: /admin/")


def test_race_page_carries_sports_event_structured_data(client):
    html = client.get(MID_OHIO).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "SportsEvent"
    assert data["startDate"] == "2004-06-27"
    assert data["location"]["name"] == "Mid-Ohio Sports Car Course"
    assert {"Marco Werner", "Darren Law"} <= {w["name"] for w in data["winner"]}


def test_structured_data_cannot_break_out_of_its_script(client):
    race = Race.objects.get(slug="mid-ohio")
    race.name = "</script><script>alert(1)</script>"
    race.save()
    assertNotContains(client.get(MID_OHIO), "<script>alert(1)")


@pytest.mark.parametrize(
    "url",
    [
        reverse("races:home"),
        reverse("races:season-detail", kwargs={"year": 2004}),
        reverse("races:standings", kwargs={"year": 2004}),
        MID_OHIO,
        reverse("races:regulations"),
        reverse("races:driver-list"),
        reverse("races:driver-detail", kwargs={"slug": "johnny-oconnell"}),
    ],
)
def test_every_page_has_title_description_canonical_and_one_h1(client, url):
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · ALMS 2004</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert re.search(r'<meta property="og:title" content="[^"]+">', html)
    assert 'href="#main"' in html


def test_meta_tags_are_escaped_once(client):
    response = client.get(
        reverse("races:driver-detail", kwargs={"slug": "johnny-oconnell"})
    )
    assertContains(
        response, '<meta property="og:title" content="Johnny O&#x27;Connell">'
    )


def test_current_section_is_marked_in_the_navigation(client):
    response = client.get(reverse("races:regulations"))
    assertContains(response, 'href="/classes/" aria-current="page"')


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (reverse("races:regulations"), 4),
        (reverse("races:driver-list"), 2),
        # Two queries (count and items) for each of the eight sections.
        (reverse("sitemap"), 16),
    ],
)
def test_listing_pages_stay_within_a_small_query_budget(
    client, django_assert_max_num_queries, url, budget
):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_home_shows_each_class_championship_leader(client):
    response = client.get(reverse("races:home"))
    assertContains(response, "Championship leaders")
    html = response.content.decode()
    leaders = html[html.index('id="leaders-heading"') :]
    assert "Timo Bernhard</a>: <strong>111 points</strong>" in leaders
    assert "Corvette Racing</a>: <strong>151 points</strong>" in leaders
    assertContains(response, reverse("races:standings", kwargs={"year": 2004}))


def test_driver_page_shows_points_per_round_and_championship_place(client):
    response = client.get(reverse("races:driver-detail", kwargs={"slug": "jon-field"}))
    # Jon Field raced LMP1 at Mid-Ohio (under 70%: 0) and Road America (2nd: 16)
    # and LMP2 at Portland (class win: 20).
    assertContains(response, "2004 LMP1 drivers' championship: 14th (tied)")
    assertContains(response, "2004 LMP2 drivers' championship: 9th of 16")
    html = response.content.decode()
    lmp1 = html[html.index('id="championship-lmp1-2004"') :]
    lmp1 = lmp1[: lmp1.index("</table>")]
    assert re.findall(r'<td class="num">(\d+)</td>', lmp1) == ["0", "16"]


def test_team_page_counts_only_the_best_car_per_round(client):
    response = client.get(
        reverse("races:team-detail", kwargs={"slug": "corvette-racing"})
    )
    assertContains(response, "2004 GTS teams' championship: 1st of")
    html = response.content.decode()
    gts = html[html.index('id="championship-gts-2004"') :]
    gts = gts[: gts.index("</tbody>")]
    # Mid-Ohio: #3 won (20) and #4 was second; only the 20 counts.
    assert re.findall(r'<td class="num">(\d+)', gts)[:2] == ["26", "20"]
    assertContains(response, "A team scores only with its best-placed car")
