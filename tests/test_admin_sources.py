"""Editors pick sources, race facts and stated gaps in the admin; history and
revert keep track of them."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races.models import ClassCount, EntrySource, RaceSource, Source

from .factories import (
    admin_form_data,
    car_class,
    cite,
    make_entry,
    make_race,
    make_source,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def a_race(**overrides):
    """A race whose admin form is valid as it stands."""
    return make_race(short_name="Test", **overrides)


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def add_inline_row(data: dict, prefix: str, **values) -> None:
    """Add one new row to the inline with this prefix in posted form data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = str(value)


def codes_of(entry) -> list[str]:
    return sorted(entry.source_links.values_list("source__code", flat=True))


# Sources


def test_source_list_shows_code_title_publisher_and_url(editor_client):
    make_source(
        "dewiki", title="Season page", publisher="Wikipedia", url="https://de.x/"
    )
    response = editor_client.get(reverse("admin:races_source_changelist"))
    for text in ("dewiki", "Season page", "Wikipedia", "https://de.x/"):
        assertContains(response, text)


@pytest.mark.parametrize("query", ["zerofour", "Results archive", "GitHub"])
def test_source_search_finds_code_title_or_publisher(editor_client, query):
    make_source("gh-zerofour", title="Results archive", publisher="GitHub")
    make_source("other", title="Other", publisher="Elsewhere")
    response = editor_client.get(reverse("admin:races_source_changelist"), {"q": query})
    assertContains(response, "gh-zerofour")
    assertNotContains(response, "Elsewhere")


def test_source_edit_is_recorded_in_its_history(editor_client, editor):
    source = make_source("dewiki", title="Old title")
    url = change_url(source)
    data = admin_form_data(editor_client.get(url))
    data["title"] = "New title"

    assert editor_client.post(url, data).status_code == 302

    record = Source.history.filter(id=source.pk).latest()
    assert record.title == "New title"
    assert record.history_user == editor


def test_source_edit_opened_before_another_save_is_refused(editor_client):
    source = make_source("dewiki", title="Old title")
    url = change_url(source)
    data = admin_form_data(editor_client.get(url))
    source.title = "Saved meanwhile"
    source.save()
    data["title"] = "Mine"

    response = editor_client.post(url, data)

    assertContains(response, "Not saved")
    source.refresh_from_db()
    assert source.title == "Saved meanwhile"


# Sources of an entry


def test_editor_picks_a_source_on_an_entry_and_history_records_it(
    editor_client, editor
):
    entry = make_entry(a_race())
    source = make_source("dewiki")
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    add_inline_row(data, "source_links", source=source.pk, note="row truncated")

    assert editor_client.post(url, data).status_code == 302

    [link] = EntrySource.objects.filter(entry=entry)
    assert (link.source, link.note) == (source, "row truncated")
    record = EntrySource.history.get(id=link.pk)
    assert record.history_user == editor
    history = editor_client.get(reverse("admin:races_entry_history", args=[entry.pk]))
    assertContains(history, "sources: dewiki")


def test_entry_page_refuses_the_same_source_picked_twice(editor_client):
    entry = make_entry(a_race())
    source = make_source("dewiki", title="Season page")
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    add_inline_row(data, "source_links", source=source.pk)
    add_inline_row(data, "source_links", source=source.pk)

    response = editor_client.post(url, data)

    assertContains(response, "Season page is picked twice. Cite each source once")
    assert not EntrySource.objects.filter(entry=entry).exists()


def test_entry_page_refuses_a_source_cited_since_it_was_opened(editor_client):
    entry = make_entry(a_race())
    source = make_source("dewiki")
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    add_inline_row(data, "source_links", source=source.pk)
    cite(entry, source)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assertContains(response, "This source is already cited.")
    assert EntrySource.objects.filter(entry=entry).count() == 1


def test_entry_revert_brings_the_old_sources_back(editor_client):
    entry = make_entry(a_race())
    kept, replaced = make_source("kept"), make_source("replaced")
    cite(entry, kept)
    entry.save()  # the version to go back to: cited by "kept"
    before = entry.history.latest()
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    data["source_links-0-source"] = str(replaced.pk)
    assert editor_client.post(url, data).status_code == 302
    assert codes_of(entry) == ["replaced"]

    revert_url = reverse(
        "admin:races_entry_simple_history", args=[entry.pk, before.history_id]
    )
    page = editor_client.get(revert_url)
    assertContains(page, "sources: kept")
    editor_client.post(revert_url, admin_form_data(page), follow=True)

    assert codes_of(entry) == ["kept"]


# The stated gap and race time of an entry


def test_entry_race_time_is_shown_and_typed_as_on_a_timing_sheet(editor_client):
    entry = make_entry(a_race(), race_time=datetime.timedelta(hours=2, seconds=5.5))
    url = change_url(entry)
    page = editor_client.get(url)
    assertContains(page, 'value="2:00:05.500"')
    data = admin_form_data(page)
    data["race_time"] = "2:45:13.916"

    assert editor_client.post(url, data).status_code == 302

    entry.refresh_from_db()
    assert entry.race_time == datetime.timedelta(hours=2, minutes=45, seconds=13.916)


def test_entry_gap_in_laps_and_to_the_class_winner_is_saved(editor_client):
    entry = make_entry(a_race())
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    data["gap_laps"] = "22"
    data["is_gap_to_class_winner"] = "on"

    assert editor_client.post(url, data).status_code == 302

    entry.refresh_from_db()
    assert (entry.gap_laps, entry.is_gap_to_class_winner) == (22, True)


def test_entry_gap_in_both_laps_and_time_is_refused(editor_client):
    entry = make_entry(a_race())
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    data["gap_laps"] = "5"
    data["gap_time"] = "1.4"

    response = editor_client.post(url, data)

    assertContains(response, "A gap is in laps or in time, not both.")
    entry.refresh_from_db()
    assert (entry.gap_laps, entry.gap_time) == (None, None)


@pytest.mark.parametrize("typed", ["1:75.000", "soon", "-1.4"])
def test_entry_malformed_gap_time_is_refused_with_an_example(editor_client, typed):
    entry = make_entry(a_race())
    url = change_url(entry)
    data = admin_form_data(editor_client.get(url))
    data["gap_time"] = typed

    response = editor_client.post(url, data)

    assertContains(response, "Enter a time as on a timing sheet, e.g. 1:48.710")
    entry.refresh_from_db()
    assert entry.gap_time is None


def test_editor_note_is_on_the_entry_page_marked_never_shown(editor_client):
    entry = make_entry(a_race(), editor_note="Matched on the crew.")
    response = editor_client.get(change_url(entry))
    assertContains(response, "never shown on the site")
    assertContains(response, "Matched on the crew.")


# The race's facts, their sources and the counts per class


def test_race_page_groups_the_facts_and_shows_the_editor_note(editor_client):
    race = a_race(
        pole_time=datetime.timedelta(seconds=108.71), editor_note="Sources differ."
    )
    response = editor_client.get(change_url(race))
    assertContains(response, "Race facts")
    assertContains(response, 'value="1:48.710"')
    assertContains(response, "never shown on the site")
    assertContains(response, "Sources differ.")


def test_race_facts_counts_and_sources_are_saved_from_the_race_page(
    editor_client, editor
):
    race = a_race()
    source = make_source("gh-zerofour")
    url = change_url(race)
    data = admin_form_data(editor_client.get(url))
    data.update(
        reported_entries="44",
        reported_finishers="24",
        pole_car_number="38",
        pole_time="1:48.710",
        fastest_lap_time="1:49.5",
    )
    add_inline_row(data, "class_counts", car_class=car_class("GT").pk, entries=19)
    add_inline_row(data, "source_links", source=source.pk)

    assert editor_client.post(url, data).status_code == 302

    race.refresh_from_db()
    assert (race.reported_entries, race.reported_finishers) == (44, 24)
    assert race.pole_time == datetime.timedelta(minutes=1, seconds=48.71)
    assert race.fastest_lap_time == datetime.timedelta(minutes=1, seconds=49.5)
    [count] = ClassCount.objects.filter(race=race)
    assert (count.car_class.code, count.entries, count.finishers) == ("GT", 19, None)
    [link] = RaceSource.objects.filter(race=race)
    assert link.source == source
    assert RaceSource.history.get(id=link.pk).history_user == editor


def test_race_page_refuses_two_counts_for_one_class(editor_client):
    race = a_race()
    url = change_url(race)
    data = admin_form_data(editor_client.get(url))
    gt = car_class("GT")
    add_inline_row(data, "class_counts", car_class=gt.pk, entries=19)
    add_inline_row(data, "class_counts", car_class=gt.pk, entries=18)

    response = editor_client.post(url, data)

    assertContains(response, "GT has two rows. Give each class one row of counts.")
    assert not ClassCount.objects.filter(race=race).exists()


def test_race_page_refuses_the_same_fact_source_twice(editor_client):
    race = a_race()
    source = make_source("gh-zerofour", title="Results archive")
    url = change_url(race)
    data = admin_form_data(editor_client.get(url))
    add_inline_row(data, "source_links", source=source.pk)
    add_inline_row(data, "source_links", source=source.pk, note="again")

    response = editor_client.post(url, data)

    assertContains(response, "Results archive is picked twice.")
    assert not RaceSource.objects.filter(race=race).exists()


def test_race_page_refuses_a_malformed_pole_time(editor_client):
    race = a_race()
    url = change_url(race)
    data = admin_form_data(editor_client.get(url))
    data["pole_time"] = "1:48:710:3"

    response = editor_client.post(url, data)

    assertContains(response, "Enter a time as on a timing sheet")
    race.refresh_from_db()
    assert race.pole_time is None


def test_race_scheduled_duration_keeps_its_duration_field(editor_client):
    race = a_race(duration=datetime.timedelta(hours=2, minutes=45))
    response = editor_client.get(change_url(race))
    assertContains(response, 'value="02:45:00"')
