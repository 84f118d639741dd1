"""What a save of season data costs besides its own row: one historical row
and one new data version, each written once."""

import pytest

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


def test_a_save_marks_the_data_changed_once(monkeypatch):
    race = make_classified_race()
    marks = []
    monkeypatch.setattr(cache, "mark_uncommitted_change", lambda: marks.append(1))
    race.save()  # writes the race and its historical row
    assert marks == [1]
