"""A race's facts as its page states them: pole, the winner's time and average
speed, fastest lap, and each car's gap as a source states it.

Only what a source gives is shown. A fact that is not known stays empty (the
page says "not known"), and nothing is computed from an unknown: no average
speed without the winner's laps, the lap length and the race time.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .citations import Citations, Reference
from .classification import ClassifiedEntry
from .models import Driver, Entry, Race
from .timing import average_speed_mph, format_time, mph_to_kmh


@dataclass(frozen=True)
class CarFact:
    """A car named by a race fact, such as the pole: its number, the row of
    that car on the page when one has the number, its driver and lap time."""

    car_number: str = ""
    entry: Entry | None = None
    driver: Driver | None = None
    time: str = ""

    @property
    def is_known(self) -> bool:
        return bool(self.car_number or self.driver or self.time)


@dataclass(frozen=True)
class RaceFacts:
    """The race facts block: each value is empty (None or "") when not known."""

    pole: CarFact
    fastest_lap: CarFact
    winner: ClassifiedEntry | None = None
    race_time: str = ""
    speed_mph: Decimal | None = None
    speed_kmh: Decimal | None = None
    # The race's own sources (pole, fastest lap) and the winner's (race time
    # and speed), numbered for the page.
    race_references: list[Reference] = field(default_factory=list)
    winner_references: list[Reference] = field(default_factory=list)


def overall_winner(rows: list[ClassifiedEntry]) -> ClassifiedEntry | None:
    """The row placed first overall, when a source places one."""
    return next((row for row in rows if row.entry.position == 1), None)


def car_fact(
    rows: list[ClassifiedEntry],
    *,
    car_number: str,
    driver: Driver | None,
    time: datetime.timedelta | None,
) -> CarFact:
    numbered = (row.entry for row in rows if row.entry.car_number)
    entry = next((e for e in numbered if e.car_number == car_number), None)
    return CarFact(
        car_number=car_number,
        entry=entry,
        driver=driver,
        time=format_time(time) if time else "",
    )


def winner_speed_mph(race: Race, winner: ClassifiedEntry | None) -> Decimal | None:
    """Laps × lap length / race time of the overall winner, or None when any
    of the three is not known."""
    if winner is None:
        return None
    laps, time = winner.entry.laps, winner.entry.race_time
    length = race.circuit.length_mi
    if laps is None or time is None or length is None:
        return None
    return average_speed_mph(laps, length, time)


def race_facts(
    race: Race, rows: Sequence[ClassifiedEntry], citations: Citations
) -> RaceFacts:
    """The race's facts from its fields and the whole classification, citing
    the sources of the facts that are known (in the order the page shows
    them: pole and fastest lap, then the winner's time)."""
    pole = car_fact(
        rows,
        car_number=race.pole_car_number,
        driver=race.pole_driver,
        time=race.pole_time,
    )
    fastest_lap = car_fact(
        rows,
        car_number=race.fastest_lap_car_number,
        driver=race.fastest_lap_driver,
        time=race.fastest_lap_time,
    )
    race_references = []
    if pole.is_known or fastest_lap.is_known:
        race_references = citations.cite(race.ordered_source_links)
    winner = overall_winner(rows)
    race_time = winner.entry.race_time if winner else None
    speed = winner_speed_mph(race, winner)
    winner_references = []
    if winner and race_time:
        winner_references = citations.cite(winner.entry.ordered_source_links)
    return RaceFacts(
        pole=pole,
        fastest_lap=fastest_lap,
        winner=winner,
        race_time=format_time(race_time) if race_time else "",
        speed_mph=speed,
        speed_kmh=mph_to_kmh(speed) if speed is not None else None,
        race_references=race_references,
        winner_references=winner_references,
    )


def stated_gap_sort_value(entry: Entry) -> tuple | None:
    """Sorts stated gaps: race times first, then gaps to the overall winner by
    laps and time, then gaps to class winners; None when none is stated."""
    if entry.race_time:
        return (0, 0, 0.0)
    if entry.gap_laps is None and entry.gap_time is None:
        return None
    seconds = entry.gap_time.total_seconds() if entry.gap_time else 0.0
    return (1 + entry.is_gap_to_class_winner, entry.gap_laps or 0, seconds)
