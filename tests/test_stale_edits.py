"""Two editors with the same form open: the second save is refused, nothing lost."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.models import Race, Story

from .factories import (
    admin_form_data,
    make_driver,
    make_editor,
    make_entry,
    make_points_scale,
    make_race,
    make_season,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    client = Client()
    client.force_login(make_editor("maria"))
    return client


@pytest.fixture
def james():
    client = Client()
    client.force_login(make_editor("james"))
    return client


@pytest.fixture
def race():
    race = make_race(name="Test Grand Prix", short_name="Test GP")
    for position in (1, 2, 3):
        make_entry(race, car_number=str(40 + position), position=position)
    return race


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def open_form(client, obj) -> dict:
    """The change form's data as the editor's browser would post it back."""
    return admin_form_data(client.get(change_url(obj)))


def inline_row(data: dict, prefix: str, field: str, value: str) -> str:
    """'entries-1-' for the inline row whose `field` is `value`."""
    for name, found in data.items():
        if name.startswith(prefix) and name.endswith(f"-{field}") and found == value:
            return name.removesuffix(field)
    raise KeyError(value)


def test_race_form_saved_by_another_editor_refuses_the_stale_save(maria, james, race):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["name"] = "Grand Prix of Testing"
    assert maria.post(change_url(race), marias_form).status_code == 302

    james_form["short_name"] = "Testing"
    response = james.post(change_url(race), james_form)

    assert response.status_code == 200
    assertContains(response, "Not saved: this was changed by maria")
    assertContains(
        response,
        "Official name is now “Grand Prix of Testing”; you opened it with "
        "“Test Grand Prix”",
    )
    race.refresh_from_db()
    assert (race.name, race.short_name) == ("Grand Prix of Testing", "Test GP")


def test_refused_race_form_keeps_what_was_typed_and_shows_the_new_values(
    maria, james, race
):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["name"] = "Grand Prix of Testing"
    maria.post(change_url(race), marias_form)
    james_form["short_name"] = "Testing"

    shown_again = admin_form_data(james.post(change_url(race), james_form))

    assert shown_again["short_name"] == "Testing"
    assert shown_again["name"] == "Grand Prix of Testing"
    race.refresh_from_db()
    assert shown_again["opened_version"] == str(race.edit_version)


def test_refused_race_form_saves_when_sent_again(maria, james, race):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["name"] = "Grand Prix of Testing"
    maria.post(change_url(race), marias_form)
    james_form["short_name"] = "Testing"
    shown_again = admin_form_data(james.post(change_url(race), james_form))

    assert james.post(change_url(race), shown_again).status_code == 302

    race.refresh_from_db()
    assert (race.name, race.short_name) == ("Grand Prix of Testing", "Testing")


def test_refused_form_keeps_a_field_both_editors_changed_as_typed(maria, james, race):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["name"] = "Grand Prix of Testing"
    maria.post(change_url(race), marias_form)
    james_form["name"] = "Testing Grand Prix"

    response = james.post(change_url(race), james_form)

    assertContains(response, "You changed it too: your value is kept in the form")
    assert admin_form_data(response)["name"] == "Testing Grand Prix"
    race.refresh_from_db()
    assert race.name == "Grand Prix of Testing"


def test_race_form_refused_when_one_of_its_cars_changed_meanwhile(maria, james, race):
    car = race.entries.get(car_number="42")
    james_form = open_form(james, race)
    marias_form = open_form(maria, car)
    marias_form["laps"] = "90"
    assert maria.post(change_url(car), marias_form).status_code == 302

    james_form["name"] = "Grand Prix of Testing"
    response = james.post(change_url(race), james_form)

    assertContains(response, "#42: Laps is now “90”; you opened it with “100”")
    race.refresh_from_db()
    assert race.name == "Test Grand Prix"


def test_race_form_names_a_crew_changed_meanwhile(maria, james, race):
    james_form = open_form(james, race)
    marias_form = open_form(maria, race)
    row = inline_row(marias_form, "entries-", "car_number", "41")
    newcomer = make_driver("Newcomer")
    marias_form[f"{row}crew_drivers"] = [str(newcomer.pk)]
    assert maria.post(change_url(race), marias_form).status_code == 302

    james_form["name"] = "Grand Prix of Testing"
    response = james.post(change_url(race), james_form)

    assertContains(response, "#41: Drivers is now “Test Newcomer”")
    assert admin_form_data(response)[f"{row}crew_drivers"] == [str(newcomer.pk)]


def test_race_form_inline_change_refused_when_that_car_changed(maria, james, race):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    row = inline_row(marias_form, "entries-", "car_number", "43")
    marias_form[f"{row}laps"] = "95"
    maria.post(change_url(race), marias_form)

    james_form[f"{row}reason"] = "gearbox"
    response = james.post(change_url(race), james_form)

    assertContains(response, "#43: Laps is now “95”; you opened it with “100”")
    car = race.entries.get(car_number="43")
    assert (car.laps, car.reason) == (95, "")
    shown_again = admin_form_data(response)
    assert (shown_again[f"{row}laps"], shown_again[f"{row}reason"]) == ("95", "gearbox")


def test_entry_form_saved_by_another_editor_refuses_the_stale_save(maria, james, race):
    car = race.entries.get(car_number="42")
    marias_form, james_form = open_form(maria, car), open_form(james, car)
    marias_form["reason"] = "oil pressure"
    assert maria.post(change_url(car), marias_form).status_code == 302

    james_form["laps"] = "99"
    response = james.post(change_url(car), james_form)

    assertContains(response, "Reason is now “oil pressure”; you opened it with empty")
    car.refresh_from_db()
    assert (car.reason, car.laps) == ("oil pressure", 100)
    assert admin_form_data(response)["laps"] == "99"


def test_season_form_refused_when_a_points_scale_changed_meanwhile(maria, james):
    season = make_season(1998)
    make_points_scale(season=season, name="Sprint", points="10, 6, 4")
    marias_form, james_form = open_form(maria, season), open_form(james, season)
    row = inline_row(marias_form, "points_scales-", "name", "Sprint")
    marias_form[f"{row}points"] = "10, 8, 6"
    assert maria.post(change_url(season), marias_form).status_code == 302

    james_form["series_name"] = "Test Series"
    response = james.post(change_url(season), james_form)

    assertContains(
        response, "Sprint (1998): Points is now “10, 8, 6”; you opened it with"
    )
    season.refresh_from_db()
    assert season.series_name == "American Le Mans Series"
    assert season.points_scales.get().points == "10, 8, 6"


def test_sequential_saves_from_fresh_forms_both_succeed(maria, james, race):
    marias_form = open_form(maria, race)
    marias_form["name"] = "Grand Prix of Testing"
    assert maria.post(change_url(race), marias_form).status_code == 302

    james_form = open_form(james, race)
    james_form["short_name"] = "Testing"
    assert james.post(change_url(race), james_form).status_code == 302

    race.refresh_from_db()
    assert (race.name, race.short_name) == ("Grand Prix of Testing", "Testing")


def test_change_form_page_carries_the_versions_it_was_opened_at(maria, race):
    html = maria.get(change_url(race)).content.decode()
    assert f'name="opened_version" value="{race.edit_version}"' in html
    first_car = race.entries.get(position=1)
    assert f'name="entries-0-opened_version" value="{first_car.edit_version}"' in html


def test_form_without_a_version_is_refused(maria, race):
    form = open_form(maria, race)
    del form["opened_version"]
    form["name"] = "Grand Prix of Testing"

    response = maria.post(change_url(race), form)

    assertContains(response, "Not saved")
    race.refresh_from_db()
    assert race.name == "Test Grand Prix"


def test_saving_an_old_record_moves_the_version_forward(race):
    race.name = "Renamed"
    race.save()
    latest = race.edit_version
    first = race.history.earliest()

    first.instance.save()

    assert Race.objects.get(pk=race.pk).edit_version == latest + 1


def test_status_action_moves_the_version(maria, race):
    before = race.edit_version
    maria.post(
        reverse("admin:races_race_changelist"),
        {"action": "mark_official", "_selected_action": [race.pk]},
    )
    race.refresh_from_db()
    assert (race.status, race.edit_version) == ("official", before + 1)


def test_race_form_checks_cars_added_after_it_was_opened(maria, race):
    marias_form = open_form(maria, race)
    make_entry(race, car_number="60", position=4)
    row = inline_row(marias_form, "entries-", "car_number", "43")
    marias_form[f"{row}position"] = "4"

    response = maria.post(change_url(race), marias_form)

    assertContains(response, "Position 4 is used by #43 and #60.")
    assert race.entries.get(car_number="43").position == 3


def test_story_form_saved_by_another_editor_refuses_the_stale_save(maria, james, race):
    car = race.entries.get(car_number="41")
    story = Story.objects.create(
        entry=car, headline="A clean win", body="It led every lap."
    )
    marias_form, james_form = open_form(maria, story), open_form(james, story)
    marias_form["headline"] = "A close win"
    assert maria.post(change_url(story), marias_form).status_code == 302

    james_form["body"] = "It led most laps."
    response = james.post(change_url(story), james_form)

    assertContains(
        response, "Headline is now “A close win”; you opened it with “A clean win”"
    )
    story.refresh_from_db()
    assert story.body == "It led every lap."


def test_refused_form_names_its_changes_beside_the_fields_too(maria, james, race):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["name"] = "Grand Prix of Testing"
    maria.post(change_url(race), marias_form)
    james_form["short_name"] = "Testing"

    response = james.post(change_url(race), james_form)

    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        "Not saved: changed by someone else since you opened this form: "
        "Official name is now “Grand Prix of Testing”; you opened it with "
        "“Test Grand Prix”."
    ]


def test_refused_form_shows_new_dates_and_durations_it_can_save_again(
    maria, james, race
):
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    marias_form["held_on"] = "1999-07-04"
    marias_form["duration"] = "02:45:00"
    maria.post(change_url(race), marias_form)
    james_form["short_name"] = "Testing"
    shown_again = admin_form_data(james.post(change_url(race), james_form))

    assert james.post(change_url(race), shown_again).status_code == 302

    race.refresh_from_db()
    assert (str(race.held_on), str(race.duration), race.short_name) == (
        "1999-07-04",
        "2:45:00",
        "Testing",
    )


def revert_url(record):
    return reverse(
        "admin:races_race_simple_history", args=[record.id, record.history_id]
    )


def test_revert_from_history_saves_over_later_edits(maria, race):
    first = race.history.earliest()
    race.name = "Renamed"
    race.save()

    revert_form = admin_form_data(maria.get(revert_url(first)))
    assert maria.post(revert_url(first), revert_form).status_code == 302

    race.refresh_from_db()
    assert race.name == "Test Grand Prix"


def test_revert_form_opened_before_another_save_is_refused(maria, james, race):
    first = race.history.earliest()
    revert_form = admin_form_data(maria.get(revert_url(first)))
    james_form = open_form(james, race)
    james_form["short_name"] = "Testing"
    james.post(change_url(race), james_form)

    response = maria.post(revert_url(first), revert_form)

    assertContains(response, "Short name is now “Testing”")
    race.refresh_from_db()
    assert race.short_name == "Testing"


def test_refusal_does_not_name_text_a_browser_sent_back_with_other_line_breaks(
    maria, james, race
):
    race.summary = "First paragraph.\n\nSecond paragraph."
    race.save()
    marias_form, james_form = open_form(maria, race), open_form(james, race)
    # Browsers send a textarea's line breaks as CRLF.
    for form in (marias_form, james_form):
        form["summary"] = form["summary"].replace("\n", "\r\n")
    marias_form["name"] = "Grand Prix of Testing"
    assert maria.post(change_url(race), marias_form).status_code == 302

    response = james.post(change_url(race), james_form)

    assertContains(response, "Official name is now")
    assert "Summary is now" not in response.content.decode()
