from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from races.models import (
    Circuit,
    Crew,
    Driver,
    Entry,
    PointsScale,
    Season,
    Story,
)

from .factories import (
    make_circuit,
    make_driver,
    make_entry,
    make_points_scale,
    make_race,
    make_regulation,
    make_season,
)

pytestmark = pytest.mark.django_db


def test_car_number_is_unique_within_a_race():
    race = make_race()
    make_entry(race, car_number="38")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(race, car_number="38")


def test_car_numbers_may_be_unknown_for_several_cars():
    race = make_race()
    make_entry(race, car_number="", slug="a")
    make_entry(race, car_number="", slug="b")
    assert race.entries.filter(car_number="").count() == 2


def test_car_number_keeps_leading_zeros():
    entry = make_entry(make_race(), car_number="007")
    entry.refresh_from_db()
    assert entry.car_number == "007"


def test_finishing_position_is_unique_within_a_race():
    race = make_race()
    make_entry(race, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(race, position=1)


def test_same_position_in_two_races_is_fine():
    first = make_entry(make_race(), position=1)
    second = make_entry(make_race(), position=1)
    assert first.pk != second.pk
    assert Entry.objects.filter(position=1, pk__in=[first.pk, second.pk]).count() == 2


def test_negative_laps_are_refused_by_the_database():
    entry = make_entry(make_race())
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(laps=-1)


def test_a_non_starter_cannot_have_laps_in_the_database():
    entry = make_entry(make_race(), status=Entry.Status.DID_NOT_START, laps=None)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(laps=3)
    assert "dns_has_no_laps" in str(error.value)


def test_a_non_starter_with_laps_fails_validation_with_a_clear_message():
    entry = make_entry(make_race(), status=Entry.Status.DID_NOT_START, laps=None)
    entry.laps = 3
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "did not start has no laps" in str(error.value)


def test_a_driver_appears_once_per_crew():
    driver = make_driver("Lehto")
    entry = make_entry(make_race(), drivers=[driver])
    with pytest.raises(IntegrityError), transaction.atomic():
        Crew.objects.create(entry=entry, driver=driver, order=2)


def test_constraints_have_names_the_admin_can_show():
    names = {constraint.name for constraint in Entry._meta.constraints}
    assert {
        "one_car_number_per_race",
        "one_position_per_race",
        "laps_not_negative",
        "dns_has_no_laps",
    } <= names


def test_natural_key_finds_the_row_it_names():
    member = make_entry(make_race()).crew.get()
    assert member.natural_key() == (1999, 1, member.entry.slug, member.driver.slug)
    assert Crew.objects.get_by_natural_key(*member.natural_key()) == member


def test_story_race_is_its_cars_race():
    entry = make_entry(make_race())
    story = Story.objects.create(entry=entry, headline="H", body="B")
    assert story.race == entry.race


def test_reported_class_position_is_refused_in_a_complete_classification():
    entry = make_entry(make_race(), reported_class_position=2)
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_circuit_length_in_km_is_derived_from_miles():
    circuit = make_circuit(length_mi=Decimal("2.250"))
    assert circuit.length_km == Decimal("3.621")


def test_circuit_with_unknown_length_has_unknown_km():
    assert Circuit(name="X", slug="x").length_km is None


def test_regulation_converts_weight_and_speed():
    regulation = make_regulation("LMP1", min_weight_kg=900, top_speed_min_mph=200)
    assert regulation.min_weight_kg == 900
    assert regulation.min_weight_lb == 1984
    assert regulation.top_speed_min_kmh == 322


def test_driver_slug_is_made_from_the_name():
    driver = Driver.objects.create(first_name="Jörg", last_name="Bergmeister-Test")
    assert driver.slug == "jorg-bergmeister-test"


def test_driver_without_first_name_shows_the_surname():
    assert Driver(last_name="Petersen").full_name == "Petersen"


def test_entry_anchor_uses_its_slug():
    assert Entry(slug="38").anchor == "car-38"


def test_points_scale_gives_points_by_class_position_and_none_beyond():
    scale = make_points_scale(points="20, 16, 13")
    assert scale.values == [20, 16, 13]
    assert scale.points_for(1) == 20
    assert scale.points_for(3) == 13
    assert scale.points_for(4) == 0


def test_points_scale_rejects_text_that_is_not_a_list_of_numbers():
    scale = PointsScale(season=make_season(), slug="s", name="S", points="20; 16")
    with pytest.raises(ValidationError) as error:
        scale.full_clean()
    assert "points" in error.value.message_dict


def test_points_scale_rejects_a_place_scoring_more_than_the_one_above():
    scale = PointsScale(season=make_season(), slug="s", name="S", points="20, 22")
    with pytest.raises(ValidationError, match="never scores more"):
        scale.full_clean()


def test_points_scale_database_rejects_malformed_points():
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsScale.objects.create(
            season=make_season(), slug="bad", name="Bad", points="twenty"
        )


def test_race_points_scale_must_belong_to_the_races_season():
    other = make_points_scale(season=make_season(1998))
    race = make_race(points_scale=other)
    with pytest.raises(ValidationError) as error:
        race.full_clean()
    assert "points_scale" in error.value.message_dict


def test_minimum_distance_share_cannot_exceed_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        Season.objects.create(year=1990, minimum_distance_share=Decimal("1.5"))
