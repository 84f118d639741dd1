"""What the faster renders of the standings and race pages must keep: the same
objects, points, rows and markup as the plainer code they replaced."""

import pytest
from django.db.models.signals import post_init

from races.models import Entry

from .factories import make_classified_race, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def field_values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_quickly_loaded_entry_equals_one_made_by_init():
    saved = make_entry(make_race(), "GT", laps=87, reason="gearbox")
    loaded = Entry.objects.select_related("car_class", "team").get(pk=saved.pk)
    made = Entry(*field_values(loaded).values())
    assert field_values(loaded) == field_values(made) == field_values(saved)
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    assert loaded.car_class.code == "GT"
    assert loaded.team == saved.team


def test_entries_read_whole_skip_model_init(monkeypatch):
    race = make_classified_race()
    made = []
    init = Entry.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Entry, "__init__", counting_init)
    assert len(list(race.entries.select_related("car_class"))) == 10
    assert made == []


def test_quickly_loaded_entry_saves_and_follows_a_changed_foreign_key():
    race = make_race()
    entry = make_entry(race, "GT")
    other = make_entry(race, "LMP1")
    loaded = Entry.objects.select_related("car_class").get(pk=entry.pk)
    loaded.car_class_id = other.car_class_id
    assert loaded.car_class.code == "LMP1"
    loaded.laps = 12
    loaded.save()
    entry.refresh_from_db()
    assert (entry.laps, entry.car_class.code) == (12, "LMP1")


def test_partly_read_entry_still_defers_the_other_fields(django_assert_num_queries):
    entry = make_entry(make_race(), "GT", laps=42)
    loaded = Entry.objects.only("slug").get(pk=entry.pk)
    assert loaded.get_deferred_fields() >= {"laps"}
    with django_assert_num_queries(1):
        assert loaded.laps == 42


def test_entries_are_announced_to_post_init_receivers_when_there_are_any():
    race = make_classified_race()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Entry)
    try:
        loaded = list(race.entries.all())
    finally:
        post_init.disconnect(receiver, sender=Entry)
    assert sorted(seen) == sorted(entry.pk for entry in loaded)
