"""A race's classification, derived from the overall order of its entries.

Class positions are never typed twice: they follow from the overall order.
In a partial classification the order only tells a class position while every
place above the car is known; beyond that, a class position stated by a
source (`reported_class_position`) is used, and otherwise it stays unknown.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Entry

if TYPE_CHECKING:
    from .standings import Score

UNKNOWN_LAST = 10_000

# Order of the blocks on an official classification sheet.
BLOCK_ORDER = {
    Entry.Status.RUNNING: 0,
    Entry.Status.CLASSIFIED: 0,
    Entry.Status.RETIRED: 0,
    Entry.Status.UNKNOWN: 0,
    Entry.Status.NOT_CLASSIFIED: 1,
    Entry.Status.DISQUALIFIED: 2,
    Entry.Status.DID_NOT_START: 3,
}


@dataclass
class ClassifiedEntry:
    """An entry with the values derived from its place in the race."""

    entry: Entry
    class_position: int | None = None
    laps_behind_class_leader: int | None = None
    is_class_winner: bool = False
    drivers: list = field(default_factory=list)
    # Championship points, set by standings.award_points.
    score: "Score | None" = None

    @property
    def label(self) -> str:
        """'#38', or the crew's surnames when the number is unknown."""
        if self.entry.car_number:
            return f"#{self.entry.car_number}"
        return " / ".join(driver.last_name for driver in self.drivers)

    @property
    def sort_key(self) -> tuple:
        """Official order: finishing order, then NC, DSQ and DNS blocks."""
        entry = self.entry
        return (
            BLOCK_ORDER[entry.status],
            entry.position or UNKNOWN_LAST,
            entry.car_class.display_order,
            self.class_position or UNKNOWN_LAST,
            entry.slug,
        )

    @property
    def class_sort_key(self) -> tuple:
        return (self.entry.car_class.display_order, *self.sort_key)


# Blocks of a printed classification sheet, in order, with their headings.
SHEET_BLOCKS = {
    Entry.Status.RUNNING: (0, "Classified"),
    Entry.Status.CLASSIFIED: (0, "Classified"),
    Entry.Status.NOT_CLASSIFIED: (1, "Not classified"),
    Entry.Status.RETIRED: (2, "Retired (DNF)"),
    Entry.Status.DISQUALIFIED: (3, "Disqualified"),
    Entry.Status.DID_NOT_START: (4, "Did not start (DNS)"),
    Entry.Status.UNKNOWN: (5, "Status not known"),
}


def sheet_block(row: ClassifiedEntry) -> str:
    """The heading of the block a row is printed under on a classification sheet."""
    return SHEET_BLOCKS[row.entry.status][1]


def in_sheet_order(rows: list[ClassifiedEntry]) -> list[ClassifiedEntry]:
    """Rows as on a printed sheet: by block, then in official order.

    Retired cars keep the overall place their laps earned, but are printed
    in their own block below the classified cars.
    """
    return sorted(
        rows, key=lambda row: (SHEET_BLOCKS[row.entry.status][0], row.sort_key)
    )


def car_number_value(number: str) -> tuple | None:
    """Car numbers sort as numbers: 3 before 16, '007' as 7."""
    if not number:
        return None
    digits = "".join(char for char in number if char.isdigit())
    return (int(digits) if digits else UNKNOWN_LAST, number)


def name_or_none(value) -> str | None:
    return str(value).casefold() if value else None


# How the results table sorts by each column; None means unknown.
SORT_VALUES = {
    "position": lambda row: row.sort_key,
    "car_class": lambda row: row.class_sort_key,
    "class_position": lambda row: row.class_position,
    "car_number": lambda row: car_number_value(row.entry.car_number),
    "team": lambda row: name_or_none(row.entry.team),
    "drivers": lambda row: tuple(d.last_name.casefold() for d in row.drivers) or None,
    "car": lambda row: name_or_none(row.entry.car_model),
    "tyre": lambda row: name_or_none(row.entry.tyre and row.entry.get_tyre_display()),
    "laps": lambda row: row.entry.laps,
    "laps_behind": lambda row: row.laps_behind_class_leader,
    "status": lambda row: BLOCK_ORDER[row.entry.status],
    "points": lambda row: (
        row.score.points if row.score and row.score.is_known else None
    ),
}


def order_rows(
    rows: list[ClassifiedEntry], column: str, *, descending: bool = False
) -> list[ClassifiedEntry]:
    """Rows sorted by one column, ties in official order, unknown values last."""
    value = SORT_VALUES[column]
    official = sorted(rows, key=lambda row: row.sort_key)
    known = [row for row in official if value(row) is not None]
    unknown = [row for row in official if value(row) is None]
    known.sort(key=value, reverse=descending)
    return known + unknown


def known_prefix_end(positions: Iterable[int | None]) -> int:
    """The last overall position up to which every place is known."""
    positions = set(positions)
    end = 0
    while end + 1 in positions:
        end += 1
    return end


def derive_class_positions(entries: list[Entry]) -> dict[int, int | None]:
    """Map entry id to its class position, or None where it cannot be known."""
    complete_up_to = known_prefix_end(entry.position for entry in entries)
    placed_in_class: dict[int, int] = defaultdict(int)
    class_positions: dict[int, int | None] = {}
    in_order = sorted(
        (e for e in entries if e.position and e.is_in_finishing_order),
        key=lambda e: e.position,
    )
    for entry in in_order:
        if entry.position > complete_up_to:
            break
        placed_in_class[entry.car_class_id] += 1
        class_positions[entry.pk] = placed_in_class[entry.car_class_id]
    for entry in entries:
        if entry.pk not in class_positions:
            class_positions[entry.pk] = (
                entry.reported_class_position if entry.is_in_finishing_order else None
            )
    return class_positions


def classify(entries: Iterable[Entry]) -> list[ClassifiedEntry]:
    """The race's entries in official order with class positions and gaps."""
    entries = list(entries)
    class_positions = derive_class_positions(entries)
    leader_laps: dict[int, int] = {}
    for entry in entries:
        if class_positions[entry.pk] == 1 and entry.laps is not None:
            leader_laps[entry.car_class_id] = entry.laps
    rows = []
    for entry in entries:
        class_position = class_positions[entry.pk]
        leader = leader_laps.get(entry.car_class_id)
        behind = None
        if leader is not None and entry.laps is not None and entry.has_started:
            behind = leader - entry.laps
        rows.append(
            ClassifiedEntry(
                entry=entry,
                class_position=class_position,
                laps_behind_class_leader=behind,
                is_class_winner=class_position == 1,
                drivers=entry.crew_drivers,
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    return rows


def podiums(rows: list[ClassifiedEntry]) -> list[tuple]:
    """Per class, in class order, the known top three as (class, rows)."""
    by_class: dict = defaultdict(list)
    for row in rows:
        if row.class_position in (1, 2, 3):
            by_class[row.entry.car_class].append(row)
    return [
        (car_class, sorted(top, key=lambda row: row.class_position))
        for car_class, top in sorted(
            by_class.items(), key=lambda item: item[0].display_order
        )
    ]


def classify_by_race(entries: Iterable[Entry]) -> dict[int, list[ClassifiedEntry]]:
    """Classify the entries of several races at once, keyed by race id."""
    by_race: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_race[entry.race_id].append(entry)
    return {
        race_id: classify(race_entries) for race_id, race_entries in by_race.items()
    }


def class_winners(rows: list[ClassifiedEntry]) -> list[ClassifiedEntry]:
    """The known winner of each class, in class order."""
    winners = [row for row in rows if row.is_class_winner]
    return sorted(winners, key=lambda row: row.entry.car_class.display_order)


@dataclass
class FieldCount:
    """How many cars a race's data knows about, and what they did."""

    entries: int
    starters: int
    running_at_finish: int
    is_complete: bool
    reported_starters: int | None

    @property
    def is_field_size_known(self) -> bool:
        return self.is_complete or self.reported_starters is not None

    @property
    def field_size(self) -> int | None:
        return self.starters if self.is_complete else self.reported_starters


def count_field(race, rows: list[ClassifiedEntry]) -> FieldCount:
    return FieldCount(
        entries=len(rows),
        starters=sum(1 for row in rows if row.entry.has_started),
        running_at_finish=sum(1 for row in rows if row.entry.is_running_at_finish),
        is_complete=race.is_complete,
        reported_starters=race.reported_starters,
    )


@dataclass
class RecordSummary:
    """What a driver, team or car achieved in the known results."""

    entries: int
    starts: int
    class_wins: int
    class_podiums: int


def summarise(rows: list[ClassifiedEntry]) -> RecordSummary:
    started = [row for row in rows if row.entry.has_started]
    return RecordSummary(
        entries=len(rows),
        starts=len(started),
        class_wins=sum(1 for row in started if row.class_position == 1),
        class_podiums=sum(1 for row in started if row.class_position in (1, 2, 3)),
    )


@dataclass
class ClassWinTally:
    """A crew's known class wins in a season, with the races they came in."""

    drivers: list
    races: list = field(default_factory=list)


def class_win_tallies(calendar: list[dict]) -> list[tuple]:
    """Per class, the crews that won rounds, most wins first.

    `calendar` is a list of {"race", "winners"} items as built for the
    season calendar.
    """
    tallies: dict = defaultdict(dict)
    for item in calendar:
        for row in item["winners"]:
            crew = frozenset(driver.pk for driver in row.drivers)
            tally = tallies[row.entry.car_class].setdefault(
                crew, ClassWinTally(drivers=row.drivers)
            )
            tally.races.append(item["race"])
    return [
        (car_class, sorted(by_crew.values(), key=lambda t: -len(t.races)))
        for car_class, by_crew in sorted(
            tallies.items(), key=lambda item: item[0].display_order
        )
    ]


@dataclass
class CarResult:
    """One car of a classification being entered, for the checks across cars."""

    key: object  # where the car came from: a form or a file line
    car_number: str = ""
    slug: str = ""
    crew: str = ""  # surnames, e.g. 'Lehto / Werner'
    position: int | None = None
    grid: int | None = None
    laps: int | None = None

    @property
    def label(self) -> str:
        """'#38', or the crew's surnames when the number is unknown."""
        if self.car_number:
            return f"#{self.car_number}"
        return self.crew or self.slug


@dataclass
class Problem:
    """A mistake in a classification, in the editor's terms."""

    keys: list
    message: str


def _named(cars: list[CarResult], name=lambda car: car.label) -> str:
    names = [name(car) for car in cars]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _shared(cars: list[CarResult], value) -> dict:
    by_value = defaultdict(list)
    for car in cars:
        if value(car) not in (None, ""):
            by_value[value(car)].append(car)
    return {key: found for key, found in by_value.items() if len(found) > 1}


def classification_problems(
    cars: list[CarResult], *, is_complete: bool
) -> list[Problem]:
    """What is wrong across the cars of one race: duplicates, gaps, laps."""
    problems = []
    for slug, found in _shared(cars, lambda car: car.slug).items():
        problems.append(
            Problem(
                [car.key for car in found],
                f"{_named(found)} share the slug '{slug}'; each car needs its own.",
            )
        )
    for number, found in _shared(cars, lambda car: car.car_number).items():
        crews = _named(found, lambda car: car.crew or car.slug)
        problems.append(
            Problem(
                [car.key for car in found], f"Car number {number} is used by {crews}."
            )
        )
    for position, found in sorted(_shared(cars, lambda car: car.position).items()):
        problems.append(
            Problem(
                [car.key for car in found],
                f"Position {position} is used by {_named(found)}.",
            )
        )
    for grid, found in sorted(_shared(cars, lambda car: car.grid).items()):
        problems.append(
            Problem(
                [car.key for car in found],
                f"Grid position {grid} is used by {_named(found)}.",
            )
        )
    positions = {car.position for car in cars if car.position}
    if is_complete and positions:
        missing = [p for p in range(1, max(positions) + 1) if p not in positions]
        if missing:
            listed = ", ".join(str(p) for p in missing)
            noun = "Position" if len(missing) == 1 else "Positions"
            verb = "is" if len(missing) == 1 else "are"
            problems.append(
                Problem(
                    [],
                    f"{noun} {listed} {verb} missing: a complete classification "
                    f"runs from 1 to {len(positions)} without gaps. Mark the race "
                    "partial if some cars are unknown.",
                )
            )
    winners = [car for car in cars if car.position == 1 and car.laps is not None]
    if len(winners) == 1:
        winner = winners[0]
        for car in cars:
            if car.laps is not None and car.laps > winner.laps:
                problems.append(
                    Problem(
                        [car.key],
                        f"{car.label} has {car.laps} laps, more than the winner "
                        f"{winner.label} ({winner.laps}).",
                    )
                )
    return problems
