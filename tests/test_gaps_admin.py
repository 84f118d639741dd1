import re

import pytest
from django.contrib.auth.models import User
from django.urls import resolve, reverse
from pytest_django.asserts import assertContains, assertNotContains

from races.models import ClassCount, Race

from .factories import car_class, make_driver, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

GAPS_URL = reverse("admin:races_race_gaps")


@pytest.fixture
def race():
    """A partial round with one known LMP1 car out of 4 reported entries:
    its number, laps and a driver's first name are missing."""
    race = make_race(
        short_name="Gapville",
        completeness=Race.Completeness.PARTIAL,
        reported_entries=4,
    )
    ClassCount.objects.create(race=race, car_class=car_class("LMP1"), entries=1)
    ClassCount.objects.create(race=race, car_class=car_class("GT"), entries=3)
    make_entry(
        race,
        slug="anon",
        car_number="",
        position=1,
        laps=None,
        tyre="M",
        grid=1,
        drivers=[make_driver("Surname", first_name="")],
    )
    return race


def gap_titles(response) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', response.content.decode())


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(GAPS_URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_view_permission_on_entries_is_refused(client):
    client.force_login(User.objects.create_user("clerk", is_staff=True))
    assert client.get(GAPS_URL).status_code == 403


def test_editor_sees_the_gaps_of_each_round(editor_client, race):
    response = editor_client.get(GAPS_URL)
    assertContains(response, "1 of 4 entries known; 1 of 2 class winners")
    assertContains(response, race.name)


def test_gaps_come_most_important_first(editor_client, race):
    response = editor_client.get(GAPS_URL)
    assert gap_titles(response) == [
        "Class winner not known: GT",
        "3 reported entries missing (3 GT)",
        "Car numbers of 1 known car",
        "First names of 1 driver",
        "Laps of 1 known car",
    ]


def test_each_gap_links_to_the_page_that_fills_it(editor_client, race):
    entry = race.entries.get()
    driver = entry.drivers.get()
    response = editor_client.get(GAPS_URL)
    assertContains(response, reverse("admin:races_race_change", args=[race.pk]))
    assertContains(response, reverse("admin:races_entry_change", args=[entry.pk]))
    assertContains(response, reverse("admin:races_driver_change", args=[driver.pk]))


def test_every_gap_link_opens_for_the_editor(editor_client, race):
    response = editor_client.get(GAPS_URL)
    links = set(re.findall(r'href="(/admin/races/[^"#?]+)"', response.content.decode()))
    assert links
    for link in links:
        resolve(link)
        assert editor_client.get(link).status_code == 200, link


def test_round_without_gaps_says_so(editor_client):
    race = make_race()
    make_entry(race, position=1, tyre="M", grid=1)
    response = editor_client.get(GAPS_URL)
    assertContains(response, "No gaps: every reported entry")
    assert gap_titles(response) == []


def test_admin_index_links_to_the_gaps_page_for_editors(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, f'href="{GAPS_URL}"')


def test_admin_index_has_no_gaps_link_without_permission(client):
    client.force_login(User.objects.create_user("clerk", is_staff=True))
    response = client.get(reverse("admin:index"))
    assertNotContains(response, GAPS_URL)
