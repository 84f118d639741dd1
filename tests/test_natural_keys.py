"""Rows found by natural key are looked up once while fixtures load, and
not at all when the load read their whole table up front."""

import pytest
from django.db.models.signals import post_save

from races.models import Entry, Race, Season
from races.natural_keys import rows_remembered

from .factories import make_classified_race, make_season

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race(season=make_season(1999), round_number=3)


def test_natural_key_lookups_query_each_time_outside_a_load(
    race, django_assert_num_queries
):
    with django_assert_num_queries(2):
        Race.objects.get_by_natural_key(1999, 3)
        Race.objects.get_by_natural_key(1999, 3)


def test_a_load_looks_a_row_up_once(race, django_assert_num_queries):
    with rows_remembered(), django_assert_num_queries(1):
        first = Race.objects.get_by_natural_key(1999, 3)
        assert Race.objects.get_by_natural_key(1999, 3) is first
        assert first == race


def test_a_load_finds_a_row_created_after_it_was_missed(race):
    with rows_remembered():
        with pytest.raises(Season.DoesNotExist):
            Season.objects.get_by_natural_key(2001)
        created = make_season(2001)
        assert Season.objects.get_by_natural_key(2001) == created


def test_a_rows_natural_key_follows_foreign_keys_to_rows_found_already(
    race, django_assert_num_queries
):
    unsaved = Entry(race_id=race.pk, slug="new-car")
    with rows_remembered():
        Race.objects.get_by_natural_key(1999, 3)
        Season.objects.get_by_natural_key(1999)
        with django_assert_num_queries(0):
            assert unsaved.natural_key() == (1999, 3, "new-car")


def test_a_rows_natural_key_outside_a_load_fetches_its_foreign_keys(race):
    unsaved = Entry(race_id=race.pk, slug="new-car")
    assert unsaved.natural_key() == (1999, 3, "new-car")


def test_a_load_into_empty_tables_learns_a_row_is_new_without_a_query(
    django_assert_num_queries,
):
    with rows_remembered(every_row_of=[Season, Race]):
        with django_assert_num_queries(0), pytest.raises(Season.DoesNotExist):
            Season.objects.get_by_natural_key(2001)


def test_a_load_finds_rows_of_read_models_without_a_query(
    race, django_assert_num_queries
):
    with rows_remembered(every_row_of=[Season, Race]):
        with django_assert_num_queries(0):
            assert Race.objects.get_by_natural_key(1999, 3) == race


def test_a_load_finds_a_row_it_created_without_a_query(django_assert_num_queries):
    with rows_remembered(every_row_of=[Season]):
        created = make_season(2001)
        with django_assert_num_queries(0):
            assert Season.objects.get_by_natural_key(2001) == created


def test_a_load_stops_listening_for_saves_when_it_ends():
    listening = len(post_save.receivers)
    with rows_remembered(every_row_of=[Season]):
        assert len(post_save.receivers) == listening + 1
    assert len(post_save.receivers) == listening
