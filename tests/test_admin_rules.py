"""Rules the admin keeps whichever page an editor uses."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from races.models import Season

from .factories import admin_form_data, make_entry, make_race, make_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete_race():
    race = make_race()
    for position in (1, 2, 3):
        make_entry(race, car_number=str(50 + position), position=position, laps=100)
    return race


def entry_change_url(entry):
    return reverse("admin:races_entry_change", args=[entry.pk])


def test_entry_admin_refuses_a_gap_in_a_complete_race(editor_client, complete_race):
    car = complete_race.entries.get(position=3)
    data = admin_form_data(editor_client.get(entry_change_url(car)))
    data["position"] = "99"

    response = editor_client.post(entry_change_url(car), data)

    assertContains(response, "Positions 3, 4, 5, 6,")
    assertContains(
        response,
        "97, 98 are missing: a complete classification runs from 1 to 3 without gaps.",
    )
    car.refresh_from_db()
    assert car.position == 3


def test_entry_admin_refuses_more_laps_than_the_winner(editor_client, complete_race):
    car = complete_race.entries.get(position=2)
    data = admin_form_data(editor_client.get(entry_change_url(car)))
    data["laps"] = "101"

    response = editor_client.post(entry_change_url(car), data)

    assertContains(
        response, escape("#52 has 101 laps, more than the winner #51 (100).")
    )
    car.refresh_from_db()
    assert car.laps == 100


def test_entry_admin_accepts_a_valid_change(editor_client, complete_race):
    car = complete_race.entries.get(position=3)
    data = admin_form_data(editor_client.get(entry_change_url(car)))
    data["laps"] = "98"

    assert editor_client.post(entry_change_url(car), data).status_code == 302

    car.refresh_from_db()
    assert car.laps == 98


def season_delete_url(season):
    return reverse("admin:races_season_delete", args=[season.pk])


def test_editors_group_may_not_delete_a_season():
    codenames = Permission.objects.filter(group__name="Editors").values_list(
        "codename", flat=True
    )
    assert "delete_season" not in codenames
    assert "delete_race" in codenames


def test_editor_cannot_delete_a_season(editor_client):
    season = make_season(1998)

    assert editor_client.get(season_delete_url(season)).status_code == 403
    response = editor_client.post(season_delete_url(season), {"post": "yes"})

    assert response.status_code == 403
    assert Season.objects.filter(pk=season.pk).exists()


def test_editor_has_no_bulk_delete_of_seasons(editor_client):
    response = editor_client.get(reverse("admin:races_season_changelist"))
    assert response.status_code == 200
    assertNotContains(response, "delete_selected")


def test_editor_with_delete_season_permission_still_cannot_delete_one(
    editor_client, editor
):
    editor.user_permissions.add(Permission.objects.get(codename="delete_season"))
    season = make_season(1998)

    assert editor_client.get(season_delete_url(season)).status_code == 403


def test_administrator_can_delete_a_season(admin_client):
    season = make_season(1998)

    response = admin_client.post(season_delete_url(season), {"post": "yes"})

    assert response.status_code == 302
    assert not Season.objects.filter(pk=season.pk).exists()
