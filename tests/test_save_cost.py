"""What a save of season data costs besides its own row: one historical row,
and a new data version when a page was looked up since the last one."""

import pytest
from pytest_django.asserts import assertContains

from almsweb import cache
from races.models import Entry, Race

from .factories import make_classified_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def test_history_manager_class_is_built_once_per_model():
    race = make_classified_race()
    assert type(race.history) is type(Race.history)
    assert type(Race.history) is not type(Entry.history)


def test_history_manager_still_finds_the_rows_history():
    race = make_classified_race()
    race.name = "Renamed"
    race.save()
    assert [r.name for r in race.history.all()][:2] == ["Renamed", "Test Grand Prix"]
    assert Race.history.filter(id=race.pk).count() == 2


@pytest.fixture
def marks(monkeypatch):
    """The new data versions marked by changes, counted."""
    marked = []
    monkeypatch.setattr(cache, "mark_uncommitted_change", lambda: marked.append(1))
    return marked


def test_a_save_marks_the_data_changed_once(marks):
    race = make_classified_race()
    cache.data_version()
    race.save()  # writes the race and its historical row
    assert marks == [1]


def test_saves_with_no_page_looked_up_between_them_mark_once(marks):
    cache.data_version()
    make_classified_race()  # about sixty rows
    assert marks == [1]


def test_a_page_looked_up_between_two_saves_shows_the_second(client):
    race = make_classified_race()
    assertContains(client.get(race.get_absolute_url()), "Test Grand Prix")
    race.name = "Renamed Grand Prix"
    race.save()
    assertContains(client.get(race.get_absolute_url()), "Renamed Grand Prix")
