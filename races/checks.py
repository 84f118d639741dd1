"""Checks across the cars of one race, as editors enter them.

The admin's race page, the admin's car page and the file importer all check a
classification the same way: each builds a `CarResult` per car and asks
`classification_problems` what is wrong, in the editor's terms. The checks
are the rules in `CHECKS`, run in order.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The values of a car that the checks compare across the race.
CHECKED_FIELDS = ("car_number", "slug", "position", "grid", "laps")


@dataclass(frozen=True)
class CarResult:
    """One car of a classification being entered, for the checks across cars."""

    key: object  # where the car came from: a form or a file line
    car_number: str = ""
    slug: str = ""
    crew: str = ""  # surnames, e.g. 'Lehto / Werner'
    position: int | None = None
    grid: int | None = None
    laps: int | None = None

    @classmethod
    def of(
        cls, key: object, values: Mapping[str, Any], *, surnames: Iterable[str]
    ) -> "CarResult":
        """A car from its checked values (a missing one is unknown) and crew."""
        return cls(
            key=key,
            car_number=values.get("car_number") or "",
            slug=values.get("slug") or "",
            crew=" / ".join(surnames),
            position=values.get("position"),
            grid=values.get("grid"),
            laps=values.get("laps"),
        )

    @classmethod
    def from_entry(cls, entry: Any, **overrides: Any) -> "CarResult":
        """A saved car, with `overrides` standing in for its own values."""
        values = {name: getattr(entry, name) for name in CHECKED_FIELDS}
        return cls.of(
            entry,
            {**values, **overrides},
            surnames=[driver.last_name for driver in entry.crew_drivers],
        )

    @classmethod
    def from_form(cls, form: Any) -> "CarResult":
        """A car as typed into a form of the race's classification."""
        data = form.cleaned_data
        return cls.of(
            form,
            data,
            surnames=[driver.last_name for driver in data.get("crew_drivers", [])],
        )

    @classmethod
    def from_row(cls, row: Any, *, surnames: Iterable[str]) -> "CarResult":
        """A car read from a line of a classification file."""
        values = {name: getattr(row, name) for name in CHECKED_FIELDS}
        return cls.of(row.line, values, surnames=surnames)

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


def named(cars: list[CarResult], name: Callable[[CarResult], str]) -> str:
    """'#1, #2 and #3'."""
    names = [name(car) for car in cars]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


@dataclass(frozen=True)
class NoSharedValue:
    """A value no two cars may share, and the message naming those that do.

    The message may use {value}, {cars} (named by label) and {crews} (named
    by crew, or slug when the crew is unknown).
    """

    field: str
    message: str
    in_value_order: bool = False

    def __call__(self, cars: list[CarResult], *, is_complete: bool) -> list[Problem]:
        by_value: dict[Any, list[CarResult]] = defaultdict(list)
        for car in cars:
            value = getattr(car, self.field)
            if value not in (None, ""):
                by_value[value].append(car)
        shared = [(value, found) for value, found in by_value.items() if len(found) > 1]
        if self.in_value_order:
            shared.sort(key=lambda item: item[0])
        return [
            Problem(
                [car.key for car in found],
                self.message.format(
                    value=value,
                    cars=named(found, lambda car: car.label),
                    crews=named(found, lambda car: car.crew or car.slug),
                ),
            )
            for value, found in shared
        ]


def no_missing_positions(cars: list[CarResult], *, is_complete: bool) -> list[Problem]:
    """A complete classification runs from 1 without gaps."""
    positions = {car.position for car in cars if car.position}
    if not is_complete or not positions:
        return []
    missing = [p for p in range(1, max(positions) + 1) if p not in positions]
    if not missing:
        return []
    listed = ", ".join(str(p) for p in missing)
    noun = "Position" if len(missing) == 1 else "Positions"
    verb = "is" if len(missing) == 1 else "are"
    return [
        Problem(
            [],
            f"{noun} {listed} {verb} missing: a complete classification "
            f"runs from 1 to {len(positions)} without gaps. Mark the race "
            "partial if some cars are unknown.",
        )
    ]


def no_more_laps_than_the_winner(
    cars: list[CarResult], *, is_complete: bool
) -> list[Problem]:
    """No car covers more laps than the one winner, when its laps are known."""
    winners = [
        (car, car.laps) for car in cars if car.position == 1 and car.laps is not None
    ]
    if len(winners) != 1:
        return []
    ((winner, winner_laps),) = winners
    return [
        Problem(
            [car.key],
            f"{car.label} has {car.laps} laps, more than the winner "
            f"{winner.label} ({winner_laps}).",
        )
        for car in cars
        if car.laps is not None and car.laps > winner_laps
    ]


CHECKS: tuple[Callable[..., list[Problem]], ...] = (
    NoSharedValue("slug", "{cars} share the slug '{value}'; each car needs its own."),
    NoSharedValue("car_number", "Car number {value} is used by {crews}."),
    NoSharedValue("position", "Position {value} is used by {cars}.", True),
    NoSharedValue("grid", "Grid position {value} is used by {cars}.", True),
    no_missing_positions,
    no_more_laps_than_the_winner,
)


def classification_problems(
    cars: list[CarResult], *, is_complete: bool
) -> list[Problem]:
    """What is wrong across the cars of one race: duplicates, gaps, laps."""
    return [
        problem for check in CHECKS for problem in check(cars, is_complete=is_complete)
    ]
