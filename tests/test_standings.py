from decimal import Decimal

import pytest

from races import standings
from races.classification import classify, classify_by_race
from races.models import Entry, Race
from races.standings import Outcome

from .factories import (
    make_driver,
    make_entry,
    make_points_scale,
    make_race,
    make_season,
    make_team,
)

pytestmark = pytest.mark.django_db


def scores(race: Race) -> dict[str, standings.Score]:
    """Each entry's score in a race, keyed by entry slug."""
    race = Race.objects.select_related("season", "points_scale").get(pk=race.pk)
    rows = classify(race.entries.for_results_table())
    scored = standings.award_points(race=race, rows=rows)
    return {row.entry.slug: row.score for row in scored}


def season_table(year: int = 1999) -> list[standings.ClassStandings]:
    races = list(Race.objects.for_season(year).for_calendar())
    entries = Entry.objects.filter(race__in=races).for_results_table()
    return standings.season_standings(
        races=races, rows_by_race=classify_by_race(entries)
    )


def table(code: str, kind: str = "drivers", year: int = 1999) -> list:
    found = [c for c in season_table(year) if c.car_class.code == code]
    return getattr(found[0], kind)


def points_by_name(rows) -> dict[str, int]:
    return {str(row.competitor): row.total for row in rows}


# Points of one race


def test_class_positions_score_the_races_scale():
    race = make_race()
    for position in range(1, 12):
        make_entry(race, "GT", car_number=str(position), position=position, laps=100)
    points = {slug: score.points for slug, score in scores(race).items()}
    assert [points[str(p)] for p in range(1, 12)] == [
        20, 16, 13, 10, 8, 6, 4, 3, 2, 1, 0,
    ]  # fmt: skip


def test_points_follow_the_scale_an_editor_sets():
    race = make_race(points_scale=make_points_scale(points="26, 22, 19"))
    make_entry(race, car_number="1", position=1)
    make_entry(race, car_number="2", position=2)
    assert scores(race)["2"].points == 22


def test_car_below_seventy_percent_of_class_winners_laps_scores_nothing():
    race = make_race()
    make_entry(race, "GT", car_number="1", position=1, laps=100)
    make_entry(race, "GT", car_number="2", position=2, laps=69)
    score = scores(race)["2"]
    assert (score.points, score.outcome) == (0, Outcome.TOO_SHORT)
    assert score.note == "covered less than 70% of the class winner's laps"


def test_car_on_exactly_seventy_percent_scores():
    race = make_race()
    make_entry(race, "GT", car_number="1", position=1, laps=100)
    make_entry(race, "GT", car_number="2", position=2, laps=70, status="retired")
    assert scores(race)["2"].points == 16


def test_minimum_share_is_measured_against_the_class_winner_not_the_overall():
    race = make_race()
    make_entry(race, "LMP1", car_number="1", position=1, laps=200)
    make_entry(race, "GT", car_number="2", position=2, laps=100)
    make_entry(race, "GT", car_number="3", position=3, laps=80)
    assert scores(race)["3"].points == 16


def test_minimum_share_comes_from_the_season():
    season = make_season()
    season.minimum_distance_share = Decimal("0.50")
    season.save()
    race = make_race(season=season)
    make_entry(race, car_number="1", position=1, laps=100)
    make_entry(race, car_number="2", position=2, laps=60)
    assert scores(race)["2"].points == 16


def test_non_starters_and_unclassified_cars_score_nothing():
    race = make_race()
    make_entry(race, car_number="1", position=1)
    make_entry(race, car_number="2", status="dns", laps=None)
    make_entry(race, car_number="3", status="nc", laps=90)
    make_entry(race, car_number="4", status="dsq", laps=100)
    result = scores(race)
    assert {slug: result[slug].points for slug in "234"} == {"2": 0, "3": 0, "4": 0}
    assert result["2"].outcome == Outcome.NOT_STARTED
    assert result["3"].outcome == result["4"].outcome == Outcome.NOT_CLASSIFIED


def test_unknown_laps_in_a_partial_round_score_by_stated_position_unverified():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    make_entry(race, "GT", car_number="1", position=1, laps=None)
    make_entry(race, "GT", car_number="7", reported_class_position=7, laps=None)
    result = scores(race)
    assert result["1"].is_verified  # the winner sets the distance
    assert (result["7"].points, result["7"].is_verified) == (4, False)


def test_unknown_class_position_leaves_the_points_unknown():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    make_entry(race, car_number="1", position=1)
    make_entry(race, car_number="2", position=None, status="retired")
    score = scores(race)["2"]
    assert not score.is_known
    assert score.points == 0


def test_race_without_a_points_scale_awards_no_scores():
    race = make_race(points_scale=None)
    make_entry(race, car_number="1", position=1)
    assert scores(race)["1"] is None


# Standings


def test_a_team_scores_only_with_its_best_car_in_a_class():
    team = make_team("Corvette")
    race = make_race()
    make_entry(race, "GTS", car_number="3", position=1, team=team)
    make_entry(race, "GTS", car_number="4", position=2, team=team)
    teams = table("GTS", "teams")
    assert points_by_name(teams) == {"Corvette": 20}
    assert teams[0].countback == (1,)


def test_without_the_best_car_rule_a_teams_cars_add_up():
    season = make_season()
    season.is_team_best_car_only = False
    season.save()
    team = make_team("Corvette")
    race = make_race(season=season)
    make_entry(race, "GTS", car_number="3", position=1, team=team)
    make_entry(race, "GTS", car_number="4", position=2, team=team)
    assert points_by_name(table("GTS", "teams")) == {"Corvette": 36}


def test_a_team_scores_in_each_class_separately():
    team = make_team("Intersport")
    race = make_race()
    make_entry(race, "LMP1", car_number="1", position=1, team=team)
    make_entry(race, "LMP2", car_number="2", position=2, team=team)
    assert points_by_name(table("LMP1", "teams")) == {"Intersport": 20}
    assert points_by_name(table("LMP2", "teams")) == {"Intersport": 20}


def test_a_driver_who_changes_car_keeps_their_points_and_each_team_its_own():
    driver = make_driver("Field")
    first, second = make_race(), make_race()
    make_entry(first, car_number="1", position=1, drivers=[driver], team=make_team("A"))
    make_entry(second, car_number="2", position=1, team=make_team("C"))
    make_entry(
        second, car_number="9", position=2, drivers=[driver], team=make_team("B")
    )
    assert points_by_name(table("LMP1"))["Test Field"] == 36
    assert points_by_name(table("LMP1", "teams")) == {"A": 20, "B": 16, "C": 20}


def test_a_driver_who_changes_class_is_in_both_classes_standings():
    driver = make_driver("Field")
    make_entry(make_race(), "LMP1", position=1, drivers=[driver])
    make_entry(make_race(), "LMP2", position=1, drivers=[driver])
    assert points_by_name(table("LMP1"))["Test Field"] == 20
    assert points_by_name(table("LMP2"))["Test Field"] == 20


def test_co_drivers_each_score_the_cars_points():
    crew = [make_driver("Lehto"), make_driver("Werner")]
    make_entry(make_race(), position=1, drivers=crew)
    rows = table("LMP1")
    assert [row.total for row in rows] == [20, 20]
    assert [row.position for row in rows] == [1, 1]
    assert all(row.is_tied for row in rows)


def test_a_round_is_blank_where_the_driver_did_not_take_part_and_zero_if_unplaced():
    driver = make_driver("Weaver")
    first, second = make_race(), make_race()
    make_entry(first, car_number="1", position=1)
    make_entry(first, car_number="16", position=2, laps=0, drivers=[driver])
    make_entry(second, car_number="2", position=1)
    standing = next(s for s in table("LMP1") if s.competitor == driver)
    assert standing.rounds[0].points == 0
    assert standing.rounds[1] is None


def test_a_tie_on_points_goes_to_the_driver_with_more_wins():
    # Amos: 2nd and 2nd (16 + 16); Baker: 1st and 3rd (20 + 12).
    amos, baker = make_driver("Amos"), make_driver("Baker")
    scale = make_points_scale(points="20, 16, 12")
    first, second = make_race(points_scale=scale), make_race(points_scale=scale)
    make_entry(first, car_number="1", position=1, drivers=[baker])
    make_entry(first, car_number="2", position=2, drivers=[amos])
    make_entry(second, car_number="3", position=1, drivers=[make_driver()])
    make_entry(second, car_number="4", position=2, drivers=[amos])
    make_entry(second, car_number="5", position=3, drivers=[baker])
    rows = table("LMP1")
    assert [(str(r.competitor), r.total) for r in rows[:2]] == [
        ("Test Baker", 32),
        ("Test Amos", 32),
    ]
    assert [r.position for r in rows[:2]] == [1, 2]
    assert not rows[0].is_tied


def test_a_tie_on_points_and_wins_goes_to_more_second_places():
    # Amos: 1st, 2nd, 4th = 20+16+8 = 44; Baker: 1st, 3rd, 3rd = 20+12+12 = 44.
    amos, baker = make_driver("Amos"), make_driver("Baker")
    scale = make_points_scale(points="20, 16, 12, 8")
    races = [make_race(points_scale=scale) for _ in range(3)]
    for race, (amos_place, baker_place) in zip(
        races, [(1, 3), (2, 1), (4, 3)], strict=True
    ):
        make_entry(race, car_number="a", position=amos_place, drivers=[amos])
        make_entry(race, car_number="b", position=baker_place, drivers=[baker])
        for place in {1, 2, 3, 4} - {amos_place, baker_place}:
            make_entry(race, car_number=f"x{place}", position=place)
    rows = [r for r in table("LMP1") if r.competitor in (amos, baker)]
    assert [r.total for r in rows] == [44, 44]
    assert [r.competitor for r in rows] == [amos, baker]
    assert rows[0].position < rows[1].position


def test_drivers_level_on_points_and_countback_share_the_position():
    make_entry(make_race(), car_number="1", position=1, drivers=[make_driver("Zed")])
    make_entry(make_race(), car_number="2", position=1, drivers=[make_driver("Ash")])
    rows = table("LMP1")
    assert [(str(r.competitor), r.position, r.is_tied) for r in rows] == [
        ("Test Ash", 1, True),
        ("Test Zed", 1, True),
    ]


def test_standings_skip_races_without_a_points_scale():
    make_entry(make_race(), position=1)
    make_entry(make_race(points_scale=None), position=1)
    (lmp1,) = season_table()
    assert len(lmp1.races) == 1


def test_progression_gives_cumulative_points_and_shares_lines_of_co_drivers():
    crew = [make_driver("Lehto"), make_driver("Werner")]
    rival = make_driver("Dyson")
    first, second = make_race(), make_race()
    make_entry(first, car_number="38", position=1, drivers=crew)
    make_entry(first, car_number="20", position=2, drivers=[rival])
    make_entry(second, car_number="20", position=1, drivers=[rival])
    lines = standings.progression(standings=table("LMP1"))
    assert [(line.label, line.points) for line in lines] == [
        ("Dyson", [16, 36]),
        ("Lehto / Werner", [20, 20]),
    ]


def test_progression_keeps_the_leading_places_only():
    race = make_race()
    for position in range(1, 9):
        make_entry(race, car_number=str(position), position=position)
    lines = standings.progression(standings=table("LMP1"), limit=3)
    assert [line.points for line in lines] == [[20], [16], [13]]


def test_find_standings_returns_a_drivers_place_in_each_class():
    driver = make_driver("Field")
    race = make_race()
    make_entry(race, "LMP1", position=1)
    make_entry(race, "LMP1", position=2, drivers=[driver])
    make_entry(make_race(), "LMP2", position=1, drivers=[driver])
    found = standings.find_standings(season_standings=season_table(), competitor=driver)
    assert [(c.car_class.code, s.total) for c, s in found] == [
        ("LMP1", 16),
        ("LMP2", 20),
    ]


def test_car_of_unknown_place_known_to_be_too_far_behind_scores_nothing():
    race = make_race(completeness=Race.Completeness.PARTIAL)
    make_entry(race, car_number="1", position=1, laps=169)
    make_entry(race, car_number="2", position=None, status="retired", laps=83)
    score = scores(race)["2"]
    assert (score.is_known, score.points, score.outcome) == (
        True,
        0,
        Outcome.TOO_SHORT,
    )
