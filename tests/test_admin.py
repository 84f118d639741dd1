import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from races.models import Entry, Race, Story

from .constants import MID_OHIO, MID_OHIO_CSV, SEASON_YEAR
from .factories import (
    admin_form_data,
    inline_prefix,
    make_classified_race,
    make_driver,
    make_entry,
    make_race,
)

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


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelists_load(admin_client, model):
    response = admin_client.get(reverse(f"admin:races_{model}_changelist"))
    assert response.status_code == 200


@pytest.fixture
def race():
    return make_classified_race()


def crew_names(race, slug: str) -> str:
    """'Lehto / Werner': the crew as the classification checks name it."""
    entry = race.entries.get(slug=slug)
    return " / ".join(driver.last_name for driver in entry.crew_drivers)


def test_race_admin_shows_entries_inline(admin_client, race):
    response = admin_client.get(reverse("admin:races_race_change", args=[race.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 10


def queries_to_open(client, race) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(race_change_url(race)).status_code == 200
    return len(queries)


def test_race_form_asks_only_its_autocomplete_boxes_again_per_car(admin_client):
    # Each row's team, car and crew boxes look up what they show; the row's
    # race, class list and car maker come with the rows.
    race = make_race()
    make_entry(race, position=1)
    with_one_car = queries_to_open(admin_client, race)
    for position in range(2, 12):
        make_entry(race, position=position)
    assert queries_to_open(admin_client, race) <= with_one_car + 3 * 10


def test_editors_group_may_change_season_data_only():
    permissions = Permission.objects.filter(group__name="Editors")
    assert permissions.filter(codename="change_entry").exists()
    assert {p.content_type.app_label for p in permissions} == {"races", "photos"}


def test_syncing_the_editors_group_keeps_the_photo_permissions():
    from django.apps import apps

    from races.permissions import sync_editors_group

    sync_editors_group(apps)

    permissions = Permission.objects.filter(group__name="Editors")
    assert {"add_photo", "change_photo", "delete_photo", "view_photo"} <= set(
        permissions.values_list("codename", flat=True)
    )


def test_editors_group_may_change_points_scales():
    permissions = Permission.objects.filter(group__name="Editors")
    assert {"add_pointsscale", "change_pointsscale", "delete_pointsscale"} <= set(
        permissions.values_list("codename", flat=True)
    )


def test_season_admin_edits_the_points_rules_and_scales(admin_client, race):
    season = race.season
    response = admin_client.get(reverse("admin:races_season_change", args=[season.pk]))
    assertContains(response, "Points rules")
    assertContains(response, "20, 16, 13, 10, 8, 6, 4, 3, 2, 1")
    assertContains(response, "Share of its class winner")


def test_editor_can_open_a_race_but_not_users(client, editor, race):
    client.force_login(editor)
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


def race_change_url(race):
    return reverse("admin:races_race_change", args=[race.pk])


def race_form(client, race):
    """The race's change form as the editor sees it, ready to post back."""
    return race, admin_form_data(client.get(race_change_url(race)))


def classification(race):
    return list(
        race.entries.order_by("pk").values_list(
            "slug", "car_number", "position", "laps", "grid", "status"
        )
    )


def assert_refused(client, race, data, message):
    before = classification(race)
    response = client.post(race_change_url(race), data)
    assertContains(response, escape(message))
    assert classification(race) == before


def test_editor_edit_shows_on_the_public_page(editor_client, race):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "9") + "reason"] = "oil pump failure"
    response = editor_client.post(race_change_url(race), data)
    assert response.status_code == 302
    assertContains(editor_client.get(race.get_absolute_url()), "oil pump failure")


def test_race_inline_refuses_a_position_used_twice_naming_both_cars(
    editor_client, race
):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "11") + "position"] = "2"
    assert_refused(editor_client, race, data, "Position 2 is used by #8 and #11.")


def test_race_inline_refuses_a_car_number_used_twice_naming_the_crews(
    editor_client, race
):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "8") + "car_number"] = "7"
    assert_refused(
        editor_client,
        race,
        data,
        f"Car number 7 is used by {crew_names(race, '7')} and {crew_names(race, '8')}.",
    )


def test_race_inline_refuses_a_gap_in_a_complete_classification(editor_client, race):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "9") + "position"] = "12"
    assert_refused(editor_client, race, data, "Positions 9, 10, 11 are missing")


def test_race_inline_accepts_gaps_in_a_partial_classification(editor_client):
    race = make_race(short_name="Partville", completeness=Race.Completeness.PARTIAL)
    make_entry(race, position=1, laps=100)
    make_entry(race, position=5, laps=90)
    data = admin_form_data(editor_client.get(race_change_url(race)))
    response = editor_client.post(race_change_url(race), data)
    assert response.status_code == 302


def test_race_inline_refuses_more_laps_than_the_winner(editor_client, race):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "8") + "laps"] = "130"
    assert_refused(
        editor_client, race, data, "#8 has 130 laps, more than the winner #7 (100)."
    )


def test_race_inline_refuses_negative_laps(editor_client, race):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "8") + "laps"] = "-1"
    assert_refused(editor_client, race, data, "greater than or equal to 0")


def test_race_inline_refuses_laps_for_a_car_that_did_not_start(editor_client, race):
    race, data = race_form(editor_client, race)
    data[inline_prefix(data, "non-starter") + "laps"] = "5"
    assert_refused(editor_client, race, data, "A car that did not start has no laps.")


def test_race_inline_refuses_a_driver_twice_in_one_crew(editor_client, race):
    race, data = race_form(editor_client, race)
    prefix = inline_prefix(data, "7")
    driver = race.entries.get(slug="7").crew_drivers[0]
    data[prefix + "crew_drivers"] = [str(driver.pk), str(driver.pk)]
    assert_refused(editor_client, race, data, f"{driver.full_name} is listed twice")


def test_race_inline_saves_the_crew_in_the_order_picked(editor_client, race):
    race, data = race_form(editor_client, race)
    first, second = race.entries.get(slug="7").crew_drivers
    data[inline_prefix(data, "7") + "crew_drivers"] = [str(second.pk), str(first.pk)]
    assert editor_client.post(race_change_url(race), data).status_code == 302
    entry = race.entries.get(slug="7")
    assert entry.crew_drivers == [second, first]


def test_race_inline_shows_the_crew_in_driving_order(editor_client):
    zeta, alpha = make_driver("Zeta"), make_driver("Alpha")
    race = make_classified_race(crews={"7": [zeta, alpha]})
    response = editor_client.get(race_change_url(race))
    html = response.content.decode()
    assert html.index("Test Zeta</option>") < html.index("Test Alpha</option>")


def test_race_inline_lets_two_cars_swap_places(editor_client, race):
    race, data = race_form(editor_client, race)
    first, second = inline_prefix(data, "7"), inline_prefix(data, "8")
    data[first + "position"], data[second + "position"] = "2", "1"
    data[first + "laps"], data[second + "laps"] = "99", "100"
    assert editor_client.post(race_change_url(race), data).status_code == 302
    assert race.entries.get(position=1).slug == "8"
    assert race.entries.get(position=2).slug == "7"


def test_story_added_in_the_admin_belongs_to_its_cars_race(editor_client, race):
    car = race.entries.filter(story__isnull=True).first()
    response = editor_client.post(
        reverse("admin:races_story_add"),
        {"entry": car.pk, "headline": "H", "body": "B"},
    )
    assert response.status_code == 302
    assert Story.objects.get(headline="H").race == car.race


def test_race_status_actions_mark_races_official(editor_client, race):
    other = make_race(season=race.season)
    races = Race.objects.filter(pk__in=[race.pk, other.pk])
    response = editor_client.post(
        reverse("admin:races_race_changelist"),
        {"action": "mark_official", "_selected_action": [r.pk for r in races]},
    )
    assert response.status_code == 302
    assert set(races.values_list("status", flat=True)) == {"official"}


def test_race_list_shows_the_status(editor_client, race):
    response = editor_client.get(reverse("admin:races_race_changelist"))
    assertContains(response, "Provisional")


def test_history_shows_a_change_and_revert_restores_it(editor_client, race):
    name = race.name
    race, data = race_form(editor_client, race)
    data["name"] = "Renamed by mistake"
    editor_client.post(race_change_url(race), data)
    history_page = editor_client.get(
        reverse("admin:races_race_history", args=[race.pk])
    )
    assertContains(history_page, "Renamed by mistake")
    assertContains(history_page, "editor")
    before = race.history.get(name=name)
    revert_url = reverse(
        "admin:races_race_simple_history", args=[race.pk, before.history_id]
    )
    editor_client.post(revert_url, admin_form_data(editor_client.get(revert_url)))
    race.refresh_from_db()
    assert race.name == name
    assert race.history.latest().history_user.username == "editor"


def test_deleting_a_race_asks_for_confirmation(editor_client, race):
    response = editor_client.get(reverse("admin:races_race_delete", args=[race.pk]))
    assertContains(response, "Are you sure")
    assert Race.objects.filter(pk=race.pk).exists()


def test_deleted_race_comes_back_with_its_entries_and_stories(editor_client, race):
    race.name = "Deleted and restored Grand Prix"
    race.save()
    crew = crew_names(race, "7")
    stories = Story.objects.filter(entry__race=race).count()
    before = classification(race)
    editor_client.post(
        reverse("admin:races_race_delete", args=[race.pk]), {"post": "yes"}
    )
    assert not Race.objects.filter(pk=race.pk).exists()
    deleted_page = editor_client.get(reverse("admin:races_race_deleted"))
    assertContains(deleted_page, "Deleted and restored Grand Prix")
    record = race.history.filter(history_type="-").get()
    response = editor_client.post(
        reverse("admin:races_race_restore", args=[record.history_id])
    )
    assert response.status_code == 302
    assert classification(race) == before
    assert stories == 1
    assert Story.objects.filter(entry__race=race).count() == stories
    assert crew_names(race, "7") == crew


def test_deleted_entry_comes_back_with_its_crew_and_story(editor_client, race):
    entry = race.entries.get(slug="7")
    crew = crew_names(race, "7")
    headline = entry.story.headline
    editor_client.post(
        reverse("admin:races_entry_delete", args=[entry.pk]), {"post": "yes"}
    )
    record = Entry.history.filter(id=entry.pk, history_type="-").get()
    editor_client.post(reverse("admin:races_entry_restore", args=[record.history_id]))
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.story.headline == headline
    assert crew_names(race, "7") == crew


def mid_ohio() -> Race:
    """The committed round the Mid-Ohio CSV re-imports into."""
    return Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])


def import_url(race):
    return reverse("admin:races_race_import", args=[race.pk])


def results_file(text: str, name: str = "results.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_preview_names_the_bad_row_and_writes_nothing(editor_client):
    race = mid_ohio()
    before = classification(race)
    text = MID_OHIO_CSV.read_text().replace(",GT,3,31,", ",GT9,3,31,")
    response = editor_client.post(import_url(race), {"file": results_file(text)})
    assertContains(response, "line 11: class &#x27;GT9&#x27; is not one of")
    assertNotContains(response, 'name="_confirm"')
    assert classification(race) == before


def test_import_confirmed_after_preview_replaces_the_classification(editor_client):
    race = mid_ohio()
    stories = Story.objects.filter(entry__race=race).count()
    text = MID_OHIO_CSV.read_text().replace(",Cort Wagner / Patrick Long,", ",C W,")
    preview = editor_client.post(import_url(race), {"file": results_file(text)})
    assertContains(preview, 'name="_confirm"')
    assert race.entries.filter(crew__driver__last_name="Long").exists()
    response = editor_client.post(
        import_url(race),
        {"_confirm": "1", "token": preview.context["token"]},
    )
    assert response.status_code == 302
    assert not race.entries.filter(crew__driver__last_name="Long").exists()
    assert race.entries.count() == 27
    assert Story.objects.filter(entry__race=race).count() == stories


def test_race_page_links_to_the_import(editor_client, race):
    assertContains(editor_client.get(race_change_url(race)), import_url(race))


def test_staff_user_outside_the_editors_group_is_refused(
    client, django_user_model, race
):
    name = race.name
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get(race_change_url(race)).status_code == 403
    assert client.get(import_url(race)).status_code == 403
    assert client.get(reverse("admin:races_race_deleted")).status_code == 403
    response = client.post(race_change_url(race), {"name": "Vandalised"})
    assert response.status_code == 403
    race.refresh_from_db()
    assert race.name == name


def test_anonymous_user_cannot_import(client, race):
    response = client.get(import_url(race))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_editor_cannot_change_permissions(editor_client):
    assert editor_client.get(reverse("admin:auth_group_add")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403
