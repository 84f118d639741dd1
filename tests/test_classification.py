import pytest

from races.checks import CarResult, classification_problems
from races.classification import classify, known_prefix_end, podiums
from races.models import Entry, Race
from races.tables import in_sheet_order, sheet_block

from .factories import make_classified_race, make_entry, make_race

pytestmark = pytest.mark.django_db


def rows_of(race):
    return classify(race.entries.for_results_table())


def test_known_prefix_stops_at_the_first_gap():
    assert known_prefix_end([1, 2, 3, 5, None]) == 3
    assert known_prefix_end([None, 2]) == 0


def test_class_positions_follow_the_overall_order():
    race = make_race()
    make_entry(race, "LMP1", position=1, laps=120)
    make_entry(race, "GT", position=2, laps=110)
    make_entry(race, "LMP1", position=3, laps=118)
    make_entry(race, "GT", position=4, laps=107)
    rows = rows_of(race)
    assert [(r.entry.car_class.code, r.class_position) for r in rows] == [
        ("LMP1", 1),
        ("GT", 1),
        ("LMP1", 2),
        ("GT", 2),
    ]
    assert [r.laps_behind_class_leader for r in rows] == [0, 0, 2, 3]


def test_non_starters_disqualified_and_unclassified_sit_below_the_finishers():
    race = make_race()
    make_entry(race, slug="dns", status=Entry.Status.DID_NOT_START, laps=None)
    make_entry(race, slug="dsq", status=Entry.Status.DISQUALIFIED, position=1)
    make_entry(race, slug="nc", status=Entry.Status.NOT_CLASSIFIED, laps=20)
    make_entry(race, slug="p2", position=3, laps=90)
    make_entry(race, slug="retired", position=2, status=Entry.Status.RETIRED)
    order = [row.entry.slug for row in rows_of(race)]
    assert order == ["retired", "p2", "nc", "dsq", "dns"]


def test_non_starters_get_no_class_position():
    race = make_race()
    make_entry(race, position=1)
    dns = make_entry(race, position=2, status=Entry.Status.DID_NOT_START, laps=None)
    row = next(r for r in rows_of(race) if r.entry == dns)
    assert row.class_position is None
    assert row.laps_behind_class_leader is None


def test_partial_classification_derives_class_positions_only_where_the_order_is_known():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    make_entry(race, "GT", slug="known", position=1)
    make_entry(race, "GT", slug="beyond-a-gap", position=16)
    make_entry(race, "GT", slug="stated", position=20, reported_class_position=7)
    make_entry(race, "GTS", slug="no-position", reported_class_position=1)
    positions = {row.entry.slug: row.class_position for row in rows_of(race)}
    assert positions == {
        "known": 1,
        "beyond-a-gap": None,
        "stated": 7,
        "no-position": 1,
    }


def test_podiums_list_the_top_three_of_each_class_in_class_order():
    race = make_race()
    for position in range(1, 5):
        make_entry(race, "GT", position=position)
    make_entry(race, "LMP1", position=5)
    result = podiums(rows_of(race))
    assert [car_class.code for car_class, _ in result] == ["LMP1", "GT"]
    assert [row.class_position for row in result[1][1]] == [1, 2, 3]


def test_podiums_are_headed_by_each_class_winner():
    race = make_classified_race()
    winners = {
        car_class.code: [d.last_name for d in top[0].drivers]
        for car_class, top in podiums(rows_of(race))
    }

    def crew(slug):
        return [
            crew.driver.last_name for crew in race.entries.get(slug=slug).crew.all()
        ]

    assert winners == {
        "LMP1": crew("7"),
        "LMP2": crew("21"),
        "GTS": crew("11"),
        "GT": crew("31"),
    }


def test_classification_problems_name_the_cars_that_share_a_place():
    cars = [
        CarResult(key="a", car_number="38", position=1, laps=124),
        CarResult(key="b", car_number="", crew="Field / Dayton", position=1, laps=80),
    ]
    (problem,) = classification_problems(cars, is_complete=False)
    assert problem.message == "Position 1 is used by #38 and Field / Dayton."
    assert problem.keys == ["a", "b"]


def test_classification_problems_allow_gaps_only_in_partial_classifications():
    cars = [CarResult(key="a", position=1), CarResult(key="b", position=3)]
    assert classification_problems(cars, is_complete=False) == []
    (problem,) = classification_problems(cars, is_complete=True)
    assert problem.message.startswith("Position 2 is missing")


def test_sheet_order_prints_blocks_classified_nc_dnf_dsq_dns():
    race = make_race()
    make_entry(race, slug="dns", status=Entry.Status.DID_NOT_START, laps=None)
    make_entry(race, slug="dsq", status=Entry.Status.DISQUALIFIED)
    make_entry(race, slug="dnf", status=Entry.Status.RETIRED, position=1, laps=90)
    make_entry(race, slug="nc", status=Entry.Status.NOT_CLASSIFIED, laps=20)
    make_entry(race, slug="third", position=3, laps=80)
    make_entry(race, slug="second", position=2, laps=85)
    rows = in_sheet_order(rows_of(race))
    assert [row.entry.slug for row in rows] == [
        "second",
        "third",
        "nc",
        "dnf",
        "dsq",
        "dns",
    ]
    assert [sheet_block(row) for row in rows][2:] == [
        "Not classified",
        "Retired (DNF)",
        "Disqualified",
        "Did not start (DNS)",
    ]
