import pytest

from races.history import (
    HISTORY_MODELS,
    delete_entry,
    delete_race,
    deleted_records,
    restore,
)
from races.models import (
    Circuit,
    ClassCount,
    Crew,
    Driver,
    Entry,
    EntrySource,
    PointsScale,
    Race,
    RaceSource,
    Season,
    Source,
    Story,
)

from .factories import make_entry, make_race

pytestmark = pytest.mark.django_db


def test_history_models_are_the_models_with_a_change_history():
    assert set(HISTORY_MODELS) == {
        Circuit,
        Driver,
        Season,
        PointsScale,
        Source,
        Race,
        Entry,
        EntrySource,
        RaceSource,
        ClassCount,
        Crew,
        Story,
    }


def test_deleted_race_is_listed_once_until_restored():
    race = make_race()
    make_entry(race)
    delete_race(race.__class__.objects.get(pk=race.pk))
    records = deleted_records(Race)
    assert [record.id for record in records] == [race.pk]
    restore(records[0])
    assert deleted_records(Race) == []
    assert race.entries.count() == 1


def test_restoring_an_entry_brings_back_its_crew_and_story():
    race = make_race()
    entry = make_entry(race, position=1)
    Story.objects.create(entry=entry, headline="Won", body="B")
    crew = list(entry.crew.values_list("driver_id", "order"))
    delete_entry(entry)
    (record,) = [r for r in deleted_records(Entry) if r.race_id == race.pk]
    restore(record)
    assert (
        list(Crew.objects.filter(entry_id=record.id).values_list("driver_id", "order"))
        == crew
    )
    assert Story.objects.get(entry_id=record.id).headline == "Won"


def test_restore_leaves_out_rows_deleted_on_their_own_before():
    race = make_race()
    kept = make_entry(race, position=1)
    removed_earlier = make_entry(race, position=2)
    delete_entry(removed_earlier)
    delete_race(Race.objects.get(pk=race.pk))
    restore(Race.history.filter(id=race.pk, history_type="-").get())
    assert list(race.entries.values_list("pk", flat=True)) == [kept.pk]


def test_deletion_records_name_what_they_were_deleted_with():
    race = make_race()
    entry = make_entry(race)
    delete_race(Race.objects.get(pk=race.pk))
    record = Entry.history.filter(id=entry.pk, history_type="-").get()
    assert record.history_change_reason.startswith(f"Deleted with race {race.pk}:")
