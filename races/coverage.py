"""How much of each race the site knows, and what is missing.

Known entries are measured against the entries the sources report: a race's
`reported_entries`, or else the sum of its reported entries per class
(`ClassCount`) when every class's count is known. A complete classification
is its own field: its known entries are all the entries there were. A count
no source gives stays None and is said to be "not known"; nothing here
fills one in.

Among the known entries, each `MissingField` names one kind of fact that
some rows lack (car numbers, laps...). The functions take rows already
loaded by the page (see results.py) plus the class counts, which
`class_counts_by_race` reads in one query for any number of races.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .classification import ClassifiedEntry
from .models import CarClass, ClassCount, Driver, Entry, Race


def class_counts_by_race(races: Iterable[Race]) -> dict[int, list[ClassCount]]:
    """The reported counts per class of the races, keyed by race id (one query)."""
    found: dict[int, list[ClassCount]] = defaultdict(list)
    # Put in class order here: ClassCount's ordering joins the race and
    # season, and Django takes longer to compile any ORDER BY than this sort
    # takes.
    counts = (
        ClassCount.objects.filter(race__in=list(races))
        .select_related("car_class")
        .order_by()
    )
    for count in sorted(counts, key=lambda count: count.car_class.display_order):
        found[count.race_id].append(count)
    return found


def plural(count: int, singular: str, many: str = "") -> str:
    """'1 entry', '3 entries'."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def car_label(row: ClassifiedEntry) -> str:
    """How a fan tells the car apart: '#38', the crew's surnames, or its team."""
    return row.label


@dataclass(frozen=True)
class MissingField:
    """A kind of fact some known entries lack, and which entries lack it."""

    key: str
    label: str  # "car numbers"
    counted_as: str  # what the count counts: "car" or "driver"
    rows: list[ClassifiedEntry]
    drivers: list[Driver]  # for first names: the drivers who lack one

    @property
    def count(self) -> int:
        return len(self.drivers) if self.counted_as == "driver" else len(self.rows)

    @property
    def cars(self) -> list[tuple[str, Entry]]:
        """Each lacking car as (label, entry)."""
        return [(car_label(row), row.entry) for row in self.rows]

    @property
    def phrase(self) -> str:
        """'car numbers of 3 known cars', 'first names of 2 drivers'."""
        if self.counted_as == "driver":
            return f"{self.label} of {plural(self.count, 'driver')}"
        return f"{self.label} of {plural(self.count, 'known car')}"


@dataclass(frozen=True)
class FieldCheck:
    key: str
    label: str
    lacks: Callable[[ClassifiedEntry], bool]


# In order of importance, as the editors' Gaps page lists them.
FIELD_CHECKS = [
    FieldCheck(
        "positions",
        "overall positions",
        lambda row: row.entry.is_in_finishing_order and row.entry.position is None,
    ),
    FieldCheck(
        "statuses",
        "finishing statuses",
        lambda row: row.entry.status == row.entry.Status.UNKNOWN,
    ),
    FieldCheck("car-numbers", "car numbers", lambda row: not row.entry.car_number),
    FieldCheck("drivers", "drivers", lambda row: not row.drivers),
    FieldCheck(
        "laps",
        "laps",
        lambda row: row.entry.has_started and row.entry.laps is None,
    ),
    FieldCheck("teams", "teams", lambda row: row.entry.team_id is None),
    FieldCheck("tyres", "tyres", lambda row: not row.entry.tyre),
    FieldCheck(
        "grid",
        "grid places",
        lambda row: row.entry.has_started and row.entry.grid is None,
    ),
]
FIRST_NAMES = "first-names"


def missing_fields(rows: Sequence[ClassifiedEntry]) -> list[MissingField]:
    """The facts some of the rows lack, most important first; only kinds
    that at least one row lacks."""
    found = []
    for check in FIELD_CHECKS:
        lacking = [row for row in rows if check.lacks(row)]
        if lacking:
            found.append(MissingField(check.key, check.label, "car", lacking, []))
        if check.key == "drivers":
            found += first_names_missing(rows)
    return found


def first_names_missing(rows: Sequence[ClassifiedEntry]) -> list[MissingField]:
    """The drivers known by surname only, each once, with the cars they drove."""
    drivers: dict[int, Driver] = {}
    lacking = []
    for row in rows:
        unnamed = [d for d in row.drivers if not d.is_first_name_known]
        if unnamed:
            lacking.append(row)
            drivers.update((d.pk, d) for d in unnamed)
    if not drivers:
        return []
    return [
        MissingField(
            FIRST_NAMES, "first names", "driver", lacking, list(drivers.values())
        )
    ]


@dataclass(frozen=True)
class ClassCoverage:
    """Known entries of one class in one race against the reported ones."""

    car_class: CarClass
    known: int
    reported: int | None
    has_known_winner: bool

    @property
    def has_run(self) -> bool:
        return self.known > 0 or bool(self.reported)

    @property
    def unknown(self) -> int | None:
        """Entries no source names, or None when the class's count is not known."""
        if self.reported is None:
            return None
        return max(self.reported - self.known, 0)

    @property
    def summary(self) -> str:
        """'3 of 12 known', '3 known; entries not reported'."""
        if self.reported is None:
            return f"{self.known} known; number entered not known"
        return f"{self.known} of {self.reported} known"


@dataclass(frozen=True)
class RaceCoverage:
    """How much of one race is known, and what would complete it."""

    race: Race
    known_entries: int
    reported_entries: int | None
    classes: list[ClassCoverage]
    rows: Sequence[ClassifiedEntry] = field(repr=False, compare=False)

    @cached_property
    def missing(self) -> list[MissingField]:
        """The facts some of the race's known entries lack (`missing_fields`),
        worked out when asked: the standings and the calendar show only the
        counts."""
        return missing_fields(self.rows)

    @property
    def unknown_entries(self) -> int | None:
        if self.reported_entries is None:
            return None
        return max(self.reported_entries - self.known_entries, 0)

    @property
    def classes_run(self) -> list[ClassCoverage]:
        return [item for item in self.classes if item.has_run]

    @property
    def known_winners(self) -> int:
        return sum(1 for item in self.classes_run if item.has_known_winner)

    @property
    def unknown_winner_classes(self) -> list[CarClass]:
        return [
            item.car_class for item in self.classes_run if not item.has_known_winner
        ]

    @property
    def is_fully_known(self) -> bool:
        return (
            self.unknown_entries == 0
            and not self.unknown_winner_classes
            and not self.missing
        )

    @property
    def entries_summary(self) -> str:
        """'16 of 44 entries known', or the known count and that the field's
        size is not known."""
        if self.reported_entries is None:
            known = plural(self.known_entries, "entry", "entries")
            return f"{known} known; the number entered is not known"
        if self.known_entries > self.reported_entries:
            return (
                f"{plural(self.known_entries, 'entry', 'entries')} known, "
                f"more than the {self.reported_entries} reported"
            )
        return f"{self.known_entries} of {self.reported_entries} entries known"

    @property
    def entries_fraction(self) -> str:
        """'16 of 44', for a column headed 'Entries known'."""
        if self.reported_entries is None:
            return f"{self.known_entries}; number entered not known"
        known, reported = self.known_entries, self.reported_entries
        if known > reported:
            return f"{known}, more than the {reported} reported"
        return f"{known} of {reported}"

    @property
    def winners_summary(self) -> str:
        """'4 of 4 class winners', or that no class is known to have run."""
        classes = len(self.classes_run)
        if not classes:
            return "class winners not known"
        noun = "class winner" if classes == 1 else "class winners"
        return f"{self.known_winners} of {classes} {noun}"

    @property
    def winners_fraction(self) -> str:
        """'4 of 4', for a column headed 'Class winners'."""
        classes = len(self.classes_run)
        return f"{self.known_winners} of {classes}" if classes else "not known"

    @property
    def summary(self) -> str:
        """'16 of 44 entries known; 4 of 4 class winners'."""
        return f"{self.entries_summary}; {self.winners_summary}"

    @property
    def unknown_by_class(self) -> str:
        """'11 LMP1, 2 GT', the unknown entries of the classes whose count is
        known; '' when there are none."""
        return ", ".join(
            f"{item.unknown} {item.car_class.code}"
            for item in self.classes
            if item.unknown
        )

    @property
    def to_complete(self) -> list[str]:
        """What would complete the round, most important first."""
        needed = []
        unknown = self.unknown_entries
        if unknown is None:
            needed.append("the number of cars entered, which no source reports")
        elif unknown:
            more = f"{unknown} more {'entry' if unknown == 1 else 'entries'}"
            by_class = self.unknown_by_class
            needed.append(f"{more} ({by_class})" if by_class else more)
        winners = self.unknown_winner_classes
        if winners:
            codes = join_words([car_class.code for car_class in winners])
            noun = "winner" if len(winners) == 1 else "winners"
            needed.append(f"the {codes} class {noun}")
        needed += [field.phrase for field in self.missing]
        return needed

    @property
    def to_complete_sentence(self) -> str:
        """'28 more entries (11 LMP1, …); car numbers of 3 known cars.'"""
        needed = self.to_complete
        if not needed:
            return "Nothing: every reported entry and every fact listed here is known."
        sentence = "; ".join(needed)
        return sentence[0].upper() + sentence[1:] + "."


def race_coverage(
    race: Race, rows: Sequence[ClassifiedEntry], class_counts: Iterable[ClassCount]
) -> RaceCoverage:
    """The coverage of a race from its classified rows and reported counts."""
    known_by_class: dict[int, int] = defaultdict(int)
    classes: dict[int, CarClass] = {}
    winners = set()
    for row in rows:
        entry = row.entry
        known_by_class[entry.car_class_id] += 1
        classes[entry.car_class_id] = entry.car_class
        if row.is_class_winner:
            winners.add(entry.car_class_id)
    reported_by_class: dict[int, int | None] = {}
    for count in class_counts:
        classes.setdefault(count.car_class_id, count.car_class)
        reported_by_class[count.car_class_id] = count.entries
    by_class = [
        ClassCoverage(
            car_class=car_class,
            known=known_by_class[class_id],
            reported=(
                known_by_class[class_id]
                if race.is_complete
                else reported_by_class.get(class_id)
            ),
            has_known_winner=class_id in winners,
        )
        for class_id, car_class in sorted(
            classes.items(), key=lambda item: item[1].display_order
        )
    ]
    return RaceCoverage(
        race=race,
        known_entries=len(rows),
        reported_entries=reported_entries(race, len(rows), by_class),
        classes=by_class,
        rows=rows,
    )


def reported_entries(
    race: Race, known: int, classes: Sequence[ClassCoverage]
) -> int | None:
    """The size of the race's field: all its known entries when the
    classification is complete, else as reported, else the sum of the
    reported classes when every class's count is known."""
    if race.is_complete:
        return known
    if race.reported_entries is not None:
        return race.reported_entries
    counts = [item.reported for item in classes]
    if not counts or any(count is None for count in counts):
        return None
    return sum(count for count in counts if count is not None)


@dataclass(frozen=True)
class SeasonCoverage:
    """Known entries across a season's rounds against the reported ones."""

    rounds: list[RaceCoverage]

    @property
    def known_entries(self) -> int:
        return sum(item.known_entries for item in self.rounds)

    @property
    def rounds_without_reported_entries(self) -> list[RaceCoverage]:
        return [item for item in self.rounds if item.reported_entries is None]

    @property
    def reported_entries(self) -> int | None:
        """The season's reported entries, or None if any round's is not known."""
        if not self.rounds or self.rounds_without_reported_entries:
            return None
        return sum(item.reported_entries or 0 for item in self.rounds)

    @property
    def summary(self) -> str:
        """'16 of the season's 257 reported entries are known.'"""
        known = self.known_entries
        reported = self.reported_entries
        if reported is not None:
            verb = "is" if known == 1 else "are"
            return f"{known} of the season's {reported} reported entries {verb} known."
        unreported = len(self.rounds_without_reported_entries)
        return (
            f"{plural(known, 'entry', 'entries')} of the season "
            f"{'is' if known == 1 else 'are'} known; the number entered is not "
            f"known for {unreported} of the {plural(len(self.rounds), 'round')}."
        )


def season_summary(
    races: Iterable[Race], rows_by_race: dict[int, list[ClassifiedEntry]]
) -> str:
    """The season coverage's `summary`, reading the reported counts per class
    (one query) only when a round's number of entries is their sum: one
    whose classification is partial and whose number is not reported.

    All a standings page says of the season's coverage; the number of most
    rounds is reported, and the query was a twentieth of its render.
    """
    races = list(races)
    summed = [r for r in races if not r.is_complete and r.reported_entries is None]
    counts = class_counts_by_race(summed) if summed else {}
    rounds = [
        race_coverage(race, rows_by_race.get(race.pk, []), counts.get(race.pk, []))
        for race in races
    ]
    return SeasonCoverage(rounds=rounds).summary


def season_coverage(
    races: Iterable[Race], rows_by_race: dict[int, list[ClassifiedEntry]]
) -> SeasonCoverage:
    """The coverage of each race, in the order given (one query)."""
    races = list(races)
    counts = class_counts_by_race(races)
    return SeasonCoverage(
        rounds=[
            race_coverage(race, rows_by_race.get(race.pk, []), counts[race.pk])
            for race in races
        ]
    )
