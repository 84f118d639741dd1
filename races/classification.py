"""A race's classification, derived from the overall order of its entries.

Class positions are never typed twice: they follow from the overall order.
In a partial classification the order only tells a class position while every
place above the car is known; beyond that, a class position stated by a
source (`reported_class_position`) is used, and otherwise it stays unknown.

This module only reads entries. Points are added by standings.py, which owns
`ScoredEntry`; sorting and sheet blocks live with the tables (tables.py), and
the checks on editors' input in checks.py.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import CarClass, Driver, Entry, Race

UNKNOWN_LAST = 10_000

# Order of the blocks on an official classification sheet.
BLOCK_ORDER: dict[str, int] = {
    Entry.Status.RUNNING: 0,
    Entry.Status.CLASSIFIED: 0,
    Entry.Status.RETIRED: 0,
    Entry.Status.UNKNOWN: 0,
    Entry.Status.NOT_CLASSIFIED: 1,
    Entry.Status.DISQUALIFIED: 2,
    Entry.Status.DID_NOT_START: 3,
}


@dataclass(frozen=True)
class ClassifiedEntry:
    """An entry with the values derived from its place in the race."""

    entry: Entry
    class_position: int | None = None
    laps_behind_class_leader: int | None = None
    is_class_winner: bool = False
    drivers: list[Driver] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'#38'; when the number is unknown the crew's surnames, else the
        team's car in its class ('Carsport GTS car'), else 'GT car (number
        not known)'."""
        entry = self.entry
        if entry.car_number:
            return f"#{entry.car_number}"
        if self.drivers:
            return " / ".join(driver.last_name for driver in self.drivers)
        if entry.team:
            return f"{entry.team} {entry.car_class.code} car"
        return f"{entry.car_class.code} car (number not known)"

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


def known_prefix_end(positions: Iterable[int | None]) -> int:
    """The last overall position up to which every place is known."""
    known = set(positions)
    end = 0
    while end + 1 in known:
        end += 1
    return end


def derive_class_positions(entries: list[Entry]) -> dict[int, int | None]:
    """Map entry id to its class position, or None where it cannot be known."""
    complete_up_to = known_prefix_end(entry.position for entry in entries)
    placed_in_class: dict[int, int] = defaultdict(int)
    class_positions: dict[int, int | None] = {}
    in_order = sorted(
        (e for e in entries if e.position and e.is_in_finishing_order),
        key=lambda e: e.position or 0,
    )
    for entry in in_order:
        if (entry.position or 0) > complete_up_to:
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
    race_entries = list(entries)
    class_positions = derive_class_positions(race_entries)
    leader_laps: dict[int, int] = {}
    for entry in race_entries:
        if class_positions[entry.pk] == 1 and entry.laps is not None:
            leader_laps[entry.car_class_id] = entry.laps
    rows = []
    for entry in race_entries:
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


def podiums(
    rows: Sequence[ClassifiedEntry],
) -> list[tuple[CarClass, list[ClassifiedEntry]]]:
    """Per class, in class order, the known top three as (class, rows)."""
    by_class: dict[CarClass, list[ClassifiedEntry]] = defaultdict(list)
    for row in rows:
        if row.class_position in (1, 2, 3):
            by_class[row.entry.car_class].append(row)
    return [
        (car_class, sorted(top, key=lambda row: row.class_position or 0))
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


def class_winners(rows: Sequence[ClassifiedEntry]) -> list[ClassifiedEntry]:
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
    reported_entries: int | None = None

    @property
    def is_field_size_known(self) -> bool:
        return self.is_complete or self.reported_starters is not None

    @property
    def field_size(self) -> int | None:
        return self.starters if self.is_complete else self.reported_starters


def count_field(race: Race, rows: Sequence[ClassifiedEntry]) -> FieldCount:
    """What the race's data knows about its field."""
    return FieldCount(
        entries=len(rows),
        starters=sum(1 for row in rows if row.entry.has_started),
        running_at_finish=sum(1 for row in rows if row.entry.is_running_at_finish),
        is_complete=race.is_complete,
        reported_starters=race.reported_starters,
        reported_entries=race.reported_entries,
    )


@dataclass
class RecordSummary:
    """What a driver, team or car achieved in the known results."""

    entries: int
    starts: int
    class_wins: int
    class_podiums: int


def summarise(rows: Sequence[ClassifiedEntry]) -> RecordSummary:
    """The entries, starts, class wins and podiums among the rows."""
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

    drivers: list[Driver]
    races: list[Race] = field(default_factory=list)


def class_win_tallies(
    calendar: list[dict[str, Any]],
) -> list[tuple[CarClass, list[ClassWinTally]]]:
    """Per class, the crews that won rounds, most wins first.

    `calendar` is a list of {"race", "winners"} items as built for the
    season calendar.
    """
    tallies: dict[CarClass, dict[frozenset[int], ClassWinTally]] = defaultdict(dict)
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
