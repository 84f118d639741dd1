import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.models import Race, Season

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "season",
    "pointsscale",
    "circuit",
    "carclass",
    "classregulation",
    "manufacturer",
    "carmodel",
    "team",
    "driver",
    "race",
    "entry",
    "story",
]


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelists_load(admin_client, model):
    response = admin_client.get(reverse(f"admin:races_{model}_changelist"))
    assert response.status_code == 200


def test_race_admin_shows_entries_inline(admin_client):
    race = Race.objects.get(slug="mid-ohio")
    response = admin_client.get(reverse("admin:races_race_change", args=[race.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 27


def test_editors_group_may_change_season_data_only():
    permissions = Permission.objects.filter(group__name="Editors")
    assert permissions.filter(codename="change_entry").exists()
    assert {p.content_type.app_label for p in permissions} == {"races"}


def test_editors_group_may_change_points_scales():
    permissions = Permission.objects.filter(group__name="Editors")
    assert {"add_pointsscale", "change_pointsscale", "delete_pointsscale"} <= set(
        permissions.values_list("codename", flat=True)
    )


def test_season_admin_edits_the_points_rules_and_scales(admin_client):
    season = Season.objects.get(year=2004)
    response = admin_client.get(reverse("admin:races_season_change", args=[season.pk]))
    assertContains(response, "Points rules")
    assertContains(response, "20, 16, 13, 10, 8, 6, 4, 3, 2, 1")
    assertContains(response, "Share of its class winner")


def test_editor_can_open_a_race_but_not_users(client, editor):
    client.force_login(editor)
    race = Race.objects.get(slug="mid-ohio")
    assert (
        client.get(reverse("admin:races_race_change", args=[race.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:races_race_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
