"""The committed 2004 fixtures agree with the source data in shared/data/alms2004.

The one place where the real season's facts are asserted. Every other test
builds its own small races with `tests/factories.py`. The fixtures hold
every source row (most rounds are partial in the sources too), each citing
its sources; each check reads "every fact the fixtures state agrees with the
sources", and Mid-Ohio, the one complete classification, must match row for
row.
"""

import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from races import results, standings
from races.classification import classify
from races.models import CarClass, Entry, PointsScale, Race, Season, Source, Story
from races.source_list import resolve_codes
from races.standings import Outcome
from races.timing import format_time

from .constants import MID_OHIO, MID_OHIO_ROUND, SEASON_YEAR

SOURCE_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "alms2004"

pytestmark = pytest.mark.skipif(
    not SOURCE_DIR.is_dir(), reason=f"no source data at {SOURCE_DIR}"
)

# The sources' status words, as the importer maps them onto Entry.Status.
SOURCE_STATUS = {
    "finished": Entry.Status.RUNNING,
    "classified": Entry.Status.CLASSIFIED,
    "DNF": Entry.Status.RETIRED,
    "NC": Entry.Status.NOT_CLASSIFIED,
    "DSQ": Entry.Status.DISQUALIFIED,
    "DNS": Entry.Status.DID_NOT_START,
}


def read_csv(name: str) -> list[dict]:
    with open(SOURCE_DIR / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def calendar_rows() -> list[dict]:
    return read_csv("calendar.csv")


def result_rows(round_number: int) -> list[dict]:
    [path] = (SOURCE_DIR / "results").glob(f"{round_number:02d}-*.csv")
    return read_csv(f"results/{path.name}")


def split_status(text: str) -> tuple[str, str]:
    """'DNF (oil pressure)' -> ('DNF', 'oil pressure')."""
    found = re.fullmatch(r"(\w+)(?: \((.*)\))?", text.strip())
    return found[1], found[2] or ""


def crew_surnames(entry: Entry) -> list[str]:
    return [crew.driver.last_name for crew in entry.crew.order_by("order")]


def is_same_crew(row: dict, surnames: list[str]) -> bool:
    """The source names a driver in full or by surname; the fixtures by surname."""
    names = [name.strip() for name in row["drivers"].split("/")]
    return len(names) == len(surnames) and all(
        name.endswith(surname) for name, surname in zip(names, surnames, strict=True)
    )


def source_row_of(entry: Entry, rows: list[dict]) -> dict:
    """The source row of a car: by its number when both give one, else by
    its crew, else (a car known by its team alone) by team and class."""
    surnames = crew_surnames(entry)
    found = [
        row for row in rows if entry.car_number and row["car_no"] == entry.car_number
    ] or [
        row
        for row in rows
        if is_same_crew(row, surnames)
        and not (entry.car_number and row["car_no"])
        and row["class"] == entry.car_class.code
    ]
    if not surnames and not entry.car_number:
        found = [
            row
            for row in rows
            if not row["drivers"]
            and not row["car_no"]
            and row["class"] == entry.car_class.code
        ]
        # Cars a source only counts (a team's two withdrawn cars) are alike.
        found = found[:1]
    assert len(found) == 1, f"{entry.race} car {entry.slug}: {surnames} in sources"
    return found[0]


def class_position(entry: Entry, entries: list[Entry]) -> int | None:
    """The class position the fixtures give: stated, or counted from the order."""
    if entry.reported_class_position:
        return entry.reported_class_position
    if entry.position is None:
        return None
    ahead = [
        other
        for other in entries
        if other.car_class_id == entry.car_class_id
        and other.position is not None
        and other.position < entry.position
    ]
    return len(ahead) + 1


def season_races() -> list[Race]:
    return list(
        Race.objects.filter(season__year=SEASON_YEAR)
        .select_related("circuit", "points_scale")
        .order_by("round_number")
    )


def test_season_2004_has_every_round_of_the_calendar(db):
    rounds = [race.round_number for race in season_races()]

    assert rounds == [int(row["round"]) for row in calendar_rows()]


@pytest.mark.parametrize("row", calendar_rows(), ids=lambda row: row["round"])
def test_season_2004_round_has_the_calendar_name_date_and_circuit(db, row):
    race = Race.objects.select_related("circuit").get(
        season__year=SEASON_YEAR, round_number=int(row["round"])
    )

    assert race.name == row["race_name"]
    assert race.held_on == datetime.date.fromisoformat(row["date"])
    assert race.circuit.name == row["circuit"]
    assert race.circuit.city == row["city"]
    assert race.circuit.country == row["country"]
    if row["track_length_mi"]:
        assert race.circuit.length_mi == Decimal(row["track_length_mi"])
    if row["turns"]:
        assert race.circuit.turns == int(row["turns"])


@pytest.mark.parametrize("round_number", range(1, 10))
def test_season_2004_entries_agree_with_the_source_classification(db, round_number):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=round_number)
    rows = result_rows(round_number)
    entries = list(race.entries.select_related("car_class"))

    for entry in entries:
        row = source_row_of(entry, rows)
        word, reason = split_status(row["status"]) if row["status"] else ("", "")
        car = f"round {round_number} {crew_surnames(entry)}"
        assert entry.car_class.code == row["class"], car
        if entry.car_number:
            assert entry.car_number == row["car_no"], car
        if entry.position is not None:
            assert str(entry.position) == row["pos"], car
        if entry.laps is not None:
            assert str(entry.laps) == row["laps"], car
        if entry.status != Entry.Status.UNKNOWN:
            assert entry.status == SOURCE_STATUS[word], car
            assert entry.reason == reason, car
        fixture_class_position = class_position(entry, entries)
        if fixture_class_position and row["class_pos"]:
            assert fixture_class_position == int(row["class_pos"]), car


@pytest.mark.parametrize("round_number", range(1, 10))
def test_season_2004_every_source_row_is_a_car_of_its_round(db, round_number):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=round_number)
    assert race.entries.count() == len(result_rows(round_number))


@pytest.mark.parametrize("round_number", range(1, 10))
def test_season_2004_every_car_cites_the_sources_of_its_row(db, round_number):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=round_number)
    rows = result_rows(round_number)
    known = set(Source.objects.values_list("code", flat=True))
    for entry in race.entries.with_sources():
        row = source_row_of(entry, rows)
        cited = {link.source.code for link in entry.source_links.all()}
        named = {code for code, _ in resolve_codes(row["src"], known)}
        assert cited == named, f"round {round_number} car {entry.slug}"


def test_season_2004_race_facts_agree_with_the_sources(db):
    for row in read_csv("race_facts.csv"):
        race = Race.objects.get(season__year=SEASON_YEAR, round_number=row["round"])
        assert race.pole_car_number == row["pole_car_no"]
        assert format_time(race.pole_time) == row["pole_time"].removeprefix("0:")
        assert str(race.reported_entries) == row["entries"]
        assert str(race.reported_finishers) == row["finishers"]
        counts = {count.car_class.code: count for count in race.class_counts.all()}
        for code in ("LMP1", "LMP2", "GTS", "GT"):
            entries = row[f"entries_{code.lower()}"]
            found = counts.get(code)
            assert (str(found.entries) if found and found.entries else "") == entries


def test_season_2004_mid_ohio_is_the_complete_source_classification(db):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=MID_OHIO_ROUND)
    rows = result_rows(MID_OHIO_ROUND)
    entries = list(race.entries.order_by("position", "slug"))

    assert race.is_complete
    assert len(entries) == len(rows)
    assert [source_row_of(entry, rows)["pos"] for entry in entries] == [
        row["pos"] for row in rows
    ]


@pytest.mark.parametrize("round_number", range(1, 10))
def test_season_2004_class_winners_agree_with_the_sources(db, round_number):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=round_number)
    rows = result_rows(round_number)
    entries = list(race.entries.select_related("car_class"))
    winners = [entry for entry in entries if class_position(entry, entries) == 1]

    assert winners
    for entry in winners:
        assert source_row_of(entry, rows)["class_pos"] in {"1", ""}, entry


def source_points_table() -> dict[str, list[int]]:
    """points.md's rows: the row's label to its points, first place first."""
    table = {}
    for line in (SOURCE_DIR / "points.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        is_points_row = cells[0] != "Position" and len(cells) == 11
        if is_points_row and all(cell.isdigit() for cell in cells[1:]):
            table[cells[0]] = [int(cell) for cell in cells[1:]]
    return table


def test_season_2004_points_scales_are_those_of_the_sources(db):
    scales = PointsScale.objects.filter(season__year=SEASON_YEAR)

    assert sorted(scale.values for scale in scales) == sorted(
        source_points_table().values()
    )


@pytest.mark.parametrize(
    ("round_number", "row_label_part"),
    [(1, "Sebring"), (2, "Standard"), (7, "Standard"), (8, "Sebring"), (9, "Laguna")],
)
def test_season_2004_round_scores_on_the_scale_of_the_sources(
    db, round_number, row_label_part
):
    race = Race.objects.get(season__year=SEASON_YEAR, round_number=round_number)
    [expected] = [
        points
        for label, points in source_points_table().items()
        if row_label_part in label
    ]

    assert race.points_scale.values == expected


def test_season_2004_season_follows_the_70_percent_and_best_car_rules(db):
    race = season_races()[0]

    assert race.season.minimum_distance_share == Decimal("0.70")
    assert race.season.is_team_best_car_only


def test_season_2004_every_class_winner_with_known_laps_has_checked_points(db):
    checked = []
    for race in season_races():
        rows = classify(race.entries.for_results_table())
        for row in standings.award_points(race=race, rows=rows):
            if row.is_class_winner and row.entry.laps is not None:
                assert row.score.outcome == standings.Outcome.SCORED, row.entry
                checked.append(row.entry)
    # The second pass gave every round's four class winners their laps.
    assert len(checked) == 36


# Points and standings, checked by hand against points.md, read through the
# API so they hold whatever the standings code looks like inside.


def mid_ohio_points(client) -> dict[int, int]:
    """Each Mid-Ohio car's points, keyed by overall position."""
    response = client.get(f"/api/races/{SEASON_YEAR}/{MID_OHIO['slug']}")
    return {row["position"]: row["points"] for row in response.json()["classification"]}


def class_table(client, code: str, kind: str) -> list[dict]:
    data = client.get(f"/api/standings/{SEASON_YEAR}").json()
    [found] = [item for item in data["classes"] if item["car_class"] == code]
    return found[kind]


def test_season_2004_mid_ohio_class_winners_score_twenty(client, db):
    points = mid_ohio_points(client)
    # LMP1 #38, GTS #3, LMP2 Intersport Lola (no number known), GT #45.
    assert [points[position] for position in (1, 3, 5, 8)] == [20] * 4


def test_season_2004_mid_ohio_gt_places_follow_the_standard_scale(client, db):
    points = mid_ohio_points(client)
    # GT 2nd to 9th: #23 (9th overall) ... Pechnik/Neiman (19th overall).
    gt_places = [points[position] for position in (9, 10, 11, 13, 14, 15, 16, 19)]
    assert gt_places == [16, 13, 10, 8, 6, 4, 3, 2]


def test_season_2004_mid_ohio_cars_under_seventy_percent_score_nothing(client, db):
    points = mid_ohio_points(client)
    assert points[20] == 0  # Intersport LMP1: 80 laps of 124 (64.5%)
    assert points[21] == 0  # GT 10th: 76 laps of 113 (67.3%)
    assert points[24] == 0  # Dyson #16: no lap completed


def test_season_2004_mid_ohio_retired_car_above_seventy_percent_scores(client, db):
    assert mid_ohio_points(client)[18] == 10  # LMP2 4th, retired on 103 of 116


def test_season_2004_lmp1_is_led_by_lehto_and_werner(client, db):
    leaders = [
        row for row in class_table(client, "LMP1", "drivers") if row["position"] == 1
    ]
    assert {row["competitor"]["name"] for row in leaders} == {
        "JJ Lehto",
        "Marco Werner",
    }
    # Sebring 2nd (endurance 22), five standard wins and a second, Petit Le
    # Mans win (26), Laguna Seca 2nd (four-hour 19).
    assert leaders[0]["total"] == 22 + 20 * 5 + 16 + 26 + 19


def test_season_2004_team_standings_count_one_corvette_per_race(client, db):
    leader = class_table(client, "GTS", "teams")[0]
    assert leader["competitor"]["name"] == "Corvette Racing"
    # Sebring 26, then the better Corvette at every round (at Sonoma the
    # third, non-starting Corvette does not count against the winning one).
    points = {r["round"]: r["points"] for r in leader["rounds"]}
    assert [points.get(round_number) for round_number in range(1, 10)] == [
        26, 20, 20, 20, 20, 20, 20, 26, 23,
    ]  # fmt: skip


# The fixtures' own facts of the season.


def mid_ohio() -> Race:
    return Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])


def test_season_2004_fixtures_hold_nine_rounds_in_calendar_order(db):
    slugs = list(Race.objects.for_season(2004).values_list("slug", flat=True))
    assert slugs == [
        "sebring",
        "mid-ohio",
        "lime-rock",
        "sonoma",
        "portland",
        "mosport",
        "road-america",
        "petit-le-mans",
        "laguna-seca",
    ]


def test_season_2004_fixtures_hold_four_classes_in_speed_order(db):
    assert list(CarClass.objects.values_list("code", flat=True)) == [
        "LMP1",
        "LMP2",
        "GTS",
        "GT",
    ]


def test_season_2004_mid_ohio_is_complete_with_27_entries(db):
    race = mid_ohio()
    assert race.is_complete
    assert race.entries.count() == 27


def test_season_2004_other_rounds_are_marked_partial(db):
    partial = Race.objects.exclude(slug="mid-ohio")
    assert partial.count() == 8
    assert all(not race.is_complete for race in partial)


def test_season_2004_mid_ohio_winner_is_lehto_and_werner_in_the_38_audi(db):
    winner = mid_ohio().entries.get(position=1)
    assert winner.car_number == "38"
    assert str(winner.car_model) == "Audi R8"
    assert [d.last_name for d in winner.crew_drivers] == ["Lehto", "Werner"]
    assert winner.laps == 124


def test_season_2004_mid_ohio_non_starters_have_no_laps(db):
    non_starters = mid_ohio().entries.filter(status="dns")
    assert {e.slug for e in non_starters} == {"weickardt-belloc", "krohn-maxwell"}
    assert all(e.laps is None for e in non_starters)


def test_season_2004_mid_ohio_grid_positions_come_from_the_report(db):
    grid = dict(mid_ohio().entries.exclude(grid=None).values_list("car_number", "grid"))
    assert grid == {"16": 1, "38": 2, "20": 3, "": 4, "4": 5, "3": 6}


def test_season_2004_mid_ohio_has_a_story_for_each_car_the_report_describes(db):
    stories = Story.objects.filter(entry__race=mid_ohio())
    assert stories.count() == 15


def test_season_2004_mid_ohio_class_positions_follow_the_report(db):
    rows = classify(mid_ohio().entries.for_results_table())
    by_position = {row.entry.position: row.class_position for row in rows}
    assert by_position[5] == 1  # LMP2 winner
    assert by_position[20] == 3  # Intersport LMP1, a distant third
    assert by_position[10] == 3  # #31 Porsche third in GT


def test_season_2004_season_knows_its_sources(db):
    assert "Mid-Ohio" in Season.objects.get(year=2004).source_note


def test_season_2004_fixtures_hold_the_2004_points_rules(db):
    season = Season.objects.get(year=2004)
    assert season.minimum_distance_share == Decimal("0.70")
    assert season.is_team_best_car_only
    scales = dict(
        Race.objects.for_season(2004).values_list("slug", "points_scale__slug")
    )
    assert scales["sebring"] == scales["petit-le-mans"] == "endurance"
    assert scales["laguna-seca"] == "four-hour"
    assert {
        scales[slug]
        for slug in (
            "mid-ohio",
            "lime-rock",
            "sonoma",
            "portland",
            "mosport",
            "road-america",
        )
    } == {"standard"}
    race = Race.objects.get(slug="laguna-seca")
    assert race.points_scale.values == [23, 19, 16, 13, 11, 9, 7, 6, 5, 4]


def test_season_2004_mid_ohio_cars_beyond_the_scale_or_under_70_percent_say_why(db):
    race = Race.objects.get(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])
    rows = classify(race.entries.for_results_table())
    scored = standings.award_points(race=race, rows=rows)
    outcomes = {row.entry.position: row.score.outcome for row in scored}
    assert outcomes[22] == Outcome.TOO_SHORT  # GT 11th on 69 laps of 113
    assert outcomes[26] == Outcome.NOT_STARTED


def test_season_2004_coverage_counts_every_reported_entry(db):
    season = Season.objects.get(year=SEASON_YEAR)
    found = results.coverage_page(season)["coverage"]
    facts = read_csv("race_facts.csv")
    assert found.reported_entries == sum(int(row["entries"]) for row in facts) == 257
    assert found.known_entries == Entry.objects.filter(race__season=season).count()
    for row, item in zip(facts, found.rounds, strict=True):
        assert item.reported_entries == int(row["entries"])
        assert item.known_winners == len(item.classes_run)
