"""Reading classifications in the column format of shared/data/alms2004.

Columns: round, pos, class, class_pos, car_no, team, drivers, chassis,
engine, tyre, laps, gap, status, grid, fastest_lap, src, xref.

`ClassificationImport` replaces one race's classification with the rows of
such a file (CSV or XLSX), all or nothing; the admin's import page and the
`import_results` command both use it.

Files are read by `races.uploads`, within its limits. The preview (a dry
run) only reads: it checks every row in memory, as the database would,
without a transaction, so it never takes SQLite's write lock nor makes the
cached pages stale.

The module is long because checking a file's rows in memory has to do
everything the database would (EntryBuilder plans the rows it would create,
ENTRY_CHECKS mirrors the constraints), so that the preview never writes.
"""

import csv
import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction

from . import aliases, timing
from .checks import CarResult, classification_problems
from .classification import known_prefix_end
from .history import delete_entry
from .models import (
    CarClass,
    CarModel,
    Crew,
    Driver,
    Entry,
    EntrySource,
    Manufacturer,
    Race,
    Source,
    Story,
    Team,
)
from .slugs import has_letters_or_digits, name_slug, unique_slug
from .source_list import SourceListError, read_token
from .text import control_character
from .uploads import RawRow, RowError

STATUS_PATTERN = re.compile(r"^(?P<code>[A-Za-z]+)\s*(?:\((?P<reason>.*)\))?$")
STATUS_CODES = {
    "finished": Entry.Status.RUNNING,
    "classified": Entry.Status.CLASSIFIED,
    "dnf": Entry.Status.RETIRED,
    "dns": Entry.Status.DID_NOT_START,
    "nc": Entry.Status.NOT_CLASSIFIED,
    "dsq": Entry.Status.DISQUALIFIED,
}


# The rows EntryBuilder finds by name or plans.
Named = TypeVar("Named", Team, Manufacturer, CarModel, Driver)


@dataclass
class ResultRow:
    """One line of a classification file, normalised."""

    line: int
    position: int | None
    class_code: str
    class_position: int | None
    car_number: str
    team_name: str
    driver_names: list[str]
    chassis: str
    engine: str
    tyre: str
    laps: int | None
    status: str
    reason: str
    grid: int | None
    gap: "StatedGap"
    source_refs: list[tuple[str, str]]  # (code, note), as the src column names them
    editor_note: str = ""
    notes: list[str] = field(default_factory=list)
    slug: str = ""

    def __post_init__(self) -> None:
        self.slug = self.slug or self.identity

    @property
    def identity(self) -> str:
        """The car number, else the crew's surnames, else its team: what
        names the car within the race."""
        if self.car_number:
            return name_slug(self.car_number)
        if self.driver_names:
            return name_slug(" ".join(surname(name) for name in self.driver_names))
        return name_slug(aliases.TEAM_NAMES.get(self.team_name, self.team_name))


@dataclass(frozen=True)
class StatedGap:
    """The `gap` column: a winner's race time, or a gap in laps or time to the
    overall winner or, where it says so, to the class winner."""

    race_time: datetime.timedelta | None = None
    laps: int | None = None
    time: datetime.timedelta | None = None
    is_to_class_winner: bool = False


GAP_PATTERN = re.compile(
    r"^(?:(?P<race_time>[\d:.]+) \(race time\)"
    r"|(?P<laps>\d+) laps?"
    r"|(?P<time>[\d:.]+)(?: s)?)"
    r"(?: to (?P<class>[A-Z0-9]+) winner)?$"
)


def parse_gap(text: str, class_code: str) -> StatedGap:
    """'2:45:13.916 (race time)', '5 laps', '1.4 s', '1:08.446',
    '22 laps to GTS winner' or '23 s to GT winner'; RowError otherwise."""
    text = " ".join(text.split())
    if not text:
        return StatedGap()
    match = GAP_PATTERN.match(text)
    if match is None or (match["race_time"] and match["class"]):
        raise RowError(
            f"gap {text!r} is not a race time ('2:45:13.916 (race time)'), laps "
            "('5 laps') or a time ('1.4 s', '1:08.446'), optionally followed by "
            "'to <class> winner'"
        )
    if match["class"] and match["class"] != class_code:
        raise RowError(
            f"gap {text!r} is measured to the {match['class']} winner, but this "
            f"car is in {class_code}"
        )
    try:
        return StatedGap(
            race_time=timing.parse_time(match["race_time"])
            if match["race_time"]
            else None,
            laps=int(match["laps"]) if match["laps"] else None,
            time=timing.parse_time(match["time"]) if match["time"] else None,
            is_to_class_winner=bool(match["class"]),
        )
    except ValueError as error:
        raise RowError(f"gap {text!r}: {error}") from None


def parse_source_refs(cell: str) -> list[tuple[str, str]]:
    """(code, note) for each source of a `src` cell, aliases resolved;
    whether each code is known is checked with the site's sources."""
    refs: dict[str, str] = {}
    for token in cell.split(";"):
        if not token.strip():
            continue
        try:
            code, note = read_token(token)
        except SourceListError as error:
            raise RowError(str(error)) from None
        refs.setdefault(code, note)
    return list(refs.items())


def editor_note_of(raw: dict[str, str]) -> str:
    """What a row says for editors only: how it was matched (`xref`) and a
    fastest lap stated in words."""
    parts = [raw.get("xref", "").strip()]
    if fastest := raw.get("fastest_lap", "").strip():
        parts.append(f"Fastest lap: {fastest}")
    return " | ".join(part for part in parts if part)


def optional_int(value: str, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{column} must be a whole number, not {value!r}") from None
    if number < 0:
        raise RowError(f"{column} cannot be negative")
    return number


def parse_status(text: str) -> tuple[str, str]:
    text = text.strip()
    if not text:
        return Entry.Status.UNKNOWN, ""
    match = STATUS_PATTERN.match(text)
    code = STATUS_CODES.get(match["code"].lower()) if match else None
    if match is None or code is None:
        raise RowError(
            f"status {text!r} is not one of finished, classified, DNF (reason), "
            "DNS, NC (reason), DSQ"
        )
    return code, (match["reason"] or "").strip()


def surname(name: str) -> str:
    name = name.strip()
    if name in aliases.SURNAME_ONLY:
        return name
    return name.split(" ", 1)[1] if " " in name else name


def split_name(name: str) -> tuple[str, str]:
    """('JJ', 'Lehto') from 'JJ Lehto'; ('', 'Petersen') for a surname alone."""
    name = name.strip()
    last = surname(name)
    first = name[: len(name) - len(last)].strip()
    return first, last


def control_character_columns(raw: dict[str, str]) -> list[str]:
    """Columns holding a control character (PostgreSQL refuses NUL)."""
    return [
        column
        for column, value in raw.items()
        if isinstance(value, str) and control_character(value)
    ]


def parse_row(line: int, raw: dict[str, str]) -> ResultRow:
    if columns := control_character_columns(raw):
        raise RowError(f"{', '.join(columns)} holds a control character")
    try:
        class_code = raw["class"].strip()
        if class_code not in CarClass.Code.values:
            raise RowError(
                f"class {class_code!r} is not one of {', '.join(CarClass.Code.values)}"
            )
        drivers = [name.strip() for name in raw["drivers"].split("/") if name.strip()]
        status, reason = parse_status(raw["status"])
        laps = optional_int(raw["laps"], "laps")
        if status == Entry.Status.DID_NOT_START and laps:
            raise RowError("a car that did not start has no laps")
        tyre = raw["tyre"].strip()
        if tyre and tyre not in aliases.TYRES:
            raise RowError(f"tyre {tyre!r} is not a known tyre make")
        return ResultRow(
            line=line,
            position=optional_int(raw["pos"], "pos"),
            class_code=class_code,
            class_position=optional_int(raw["class_pos"], "class_pos"),
            car_number=raw["car_no"].strip(),
            team_name=raw["team"].strip(),
            driver_names=drivers,
            chassis=raw["chassis"].strip(),
            engine=raw["engine"].strip(),
            tyre=aliases.TYRES.get(tyre, ""),
            laps=laps,
            status=status,
            reason=reason,
            grid=optional_int(raw["grid"], "grid"),
            gap=parse_gap(raw.get("gap", ""), class_code),
            source_refs=parse_source_refs(raw.get("src", "")),
            editor_note=editor_note_of(raw),
        )
    except KeyError as missing:
        raise RowError(f"column {missing} is missing") from None


def name_problems(row: ResultRow) -> list[str]:
    """Names that would make a team, driver or car without a readable name."""
    names = [("team", row.team_name)] if row.team_name else []
    names += [("driver", name) for name in row.driver_names]
    names += [("chassis", row.chassis)] if row.chassis else []
    problems = [
        f"{kind} {name!r} has no letters or digits"
        for kind, name in names
        if not has_letters_or_digits(name)
    ]
    make = row.chassis.partition(" ")[0]
    if has_letters_or_digits(row.chassis) and not has_letters_or_digits(make):
        problems.append(f"chassis {row.chassis!r} does not start with its make")
    if row.car_number and not row.slug:
        problems.append(
            f"car number {row.car_number!r} has no letters or digits for its link"
        )
    elif not row.slug and not problems:
        problems.append(
            "a car without a number needs a driver or a team whose name has "
            "Latin letters or digits, for its link"
        )
    return problems


def number_repeated_identities(rows: list[ResultRow]) -> None:
    """Cars known by their team alone (no number, no drivers), such as a
    team's two withdrawn cars, get slugs 'team', 'team-2', ... in file order."""
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.car_number or row.driver_names or not row.identity:
            continue
        seen[row.identity] += 1
        count = seen[row.identity]
        row.slug = row.identity if count == 1 else f"{row.identity}-{count}"


def unknown_source_problems(row: ResultRow, known: set[str]) -> list[str]:
    return [
        f"source {code!r} is not one of the site's sources; add it first "
        "(Sources in the admin, or the data folder's SOURCES.md)"
        for code, _ in row.source_refs
        if code not in known
    ]


def read_classification(path: Path) -> list[ResultRow]:
    """All rows of a classification CSV; RowError names the first bad line."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append(parse_row(line, raw))
            except RowError as error:
                raise RowError(f"line {line}: {error}") from None
    return rows


class EntryBuilder:
    """Fills entries from rows, finding teams, cars and drivers by name.

    Nothing is written while entries are filled: a team, make, car or driver
    that does not exist yet is planned as an unsaved row, checked as the
    database would check it, and `save_planned` writes them all.
    """

    def __init__(self) -> None:
        self.classes = {
            car_class.code: car_class for car_class in CarClass.objects.all()
        }
        self.planned: list[Team | Manufacturer | CarModel | Driver] = []

    def existing(self, model: type[Named], slug: str, **names: object) -> Named | None:
        """The planned or saved row with this slug, or with these names when
        the name makes no slug (e.g. a name in Japanese)."""
        lookup = {"slug": slug} if slug else names
        for obj in self.planned:
            if type(obj) is model and all(
                getattr(obj, name) == value for name, value in lookup.items()
            ):
                return obj
        if any(getattr(value, "pk", True) is None for value in lookup.values()):
            return None  # refers to a planned row: not in the database yet
        return model._default_manager.filter(**lookup).first()

    def plan(
        self, obj: Named, *, label: str, fallback: str, exclude: Sequence[str] = ()
    ) -> Named:
        """Check a row to create and keep it for `save_planned`."""
        model = type(obj)
        if not obj.slug:
            obj.slug = unique_slug(
                "",
                fallback=fallback,
                is_taken=lambda slug: self.existing(model, slug) is not None,
            )
        try:
            # Its only check constraint is a non-empty slug, given above;
            # Django would test it in a transaction (a write lock on SQLite).
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(
                [f"{label}: {message}" for message in validation_messages(error)]
            ) from None
        self.planned.append(obj)
        return obj

    def save_planned(self) -> None:
        # In planning order, which puts each make before its cars.
        for obj in self.planned:
            obj.save()
        self.planned = []

    def team(self, name: str) -> Team | None:
        if not name:
            return None
        name = aliases.TEAM_NAMES.get(name, name)
        slug = name_slug(name)
        return self.existing(Team, slug, name=name) or self.plan(
            Team(name=name, slug=slug), label=f"team {name!r}", fallback="team"
        )

    def car_model(self, chassis: str) -> CarModel | None:
        if not chassis:
            return None
        chassis = aliases.CHASSIS_NAMES.get(chassis, chassis)
        make, _, model = chassis.partition(" ")
        make_slug = name_slug(make)
        manufacturer = self.existing(Manufacturer, make_slug, name=make) or self.plan(
            Manufacturer(name=make, slug=make_slug),
            label=f"make {make!r}",
            fallback="make",
        )
        slug = name_slug(chassis.replace("/", " "))
        return self.existing(
            CarModel, slug, manufacturer=manufacturer, name=model
        ) or self.plan(
            CarModel(manufacturer=manufacturer, name=model, slug=slug),
            label=f"chassis {chassis!r}",
            fallback="car",
            exclude=["manufacturer"],  # planned or found just above
        )

    def driver(self, name: str, taken: set[str]) -> Driver:
        first, last = split_name(name)
        slug = base = name_slug(f"{first} {last}")
        # Two drivers with the same surname and no known first names in one
        # crew are two people (the van der Steurs at Mid-Ohio).
        suffix = 2
        while slug and slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        return self.existing(Driver, slug, first_name=first, last_name=last) or (
            self.plan(
                Driver(
                    slug=slug,
                    first_name=first,
                    last_name=last,
                    nationality=aliases.NATIONALITIES.get(slug, ""),
                ),
                label=f"driver {name!r}",
                fallback="driver",
            )
        )

    def fill_entry(
        self, entry: Entry, row: ResultRow, *, known_up_to: int
    ) -> list[Driver]:
        """Fill a new or existing entry from a row, in memory, and check it as
        the database would; returns its crew. Raises ValidationError."""
        errors = []

        def collect[T](find: Callable[..., T], *args: object) -> T | None:
            try:
                return find(*args)
            except ValidationError as error:
                errors.extend(error.messages)
                return None

        race = entry.race
        reported_class_position = None
        if not race.is_complete and not (row.position and row.position <= known_up_to):
            reported_class_position = row.class_position
        # A car keeps its slug, which links to it, when its number becomes known.
        entry.slug = entry.slug or row.slug
        entry.car_number = row.car_number
        entry.car_class = self.classes[row.class_code]
        entry.team = collect(self.team, row.team_name)
        entry.car_model = collect(self.car_model, row.chassis)
        entry.engine = row.engine
        entry.tyre = row.tyre
        entry.position = row.position
        entry.reported_class_position = reported_class_position
        entry.laps = row.laps
        entry.status = row.status
        entry.reason = row.reason
        entry.grid = row.grid
        entry.race_time = row.gap.race_time
        entry.gap_laps = row.gap.laps
        entry.gap_time = row.gap.time
        entry.is_gap_to_class_winner = row.gap.is_to_class_winner
        # Notes are editorial, like stories: a file without one keeps the note.
        entry.note = " ".join(row.notes) or entry.note
        entry.editor_note = row.editor_note or entry.editor_note
        taken: set[str] = set()
        drivers = []
        for name in row.driver_names:
            driver = collect(self.driver, name, taken)
            if driver is None:
                continue
            if driver in drivers:
                errors.append(f"driver {name!r} is in the crew twice")
            taken.add(driver.slug)
            drivers.append(driver)
        errors.extend(entry_problems(entry))
        if errors:
            raise ValidationError(errors)
        return drivers

    def create_entry(self, race: Race, row: ResultRow, *, known_up_to: int) -> Entry:
        entry = Entry(race=race)
        drivers = self.fill_entry(entry, row, known_up_to=known_up_to)
        self.save_planned()
        entry.save()
        set_crew(entry, drivers)
        return entry


# Found or planned by EntryBuilder, not looked up again.
ENTRY_RELATED_FIELDS = ["race", "car_class", "team", "car_model"]
# Entry's check constraints, tested in Python: Django's own test (Q.check)
# runs in a transaction, which on SQLite takes the write lock.
ENTRY_CHECKS = {
    "laps_not_negative": lambda entry: entry.laps is None or entry.laps >= 0,
    "dns_has_no_laps": lambda entry: (
        entry.status != Entry.Status.DID_NOT_START or not entry.laps
    ),
    "position_starts_at_one": lambda entry: (
        entry.position is None or entry.position >= 1
    ),
    "entry_slug_not_empty": lambda entry: entry.slug != "",
    "one_kind_of_gap": lambda entry: entry.gap_laps is None or entry.gap_time is None,
}


def entry_problems(entry: Entry) -> list[str]:
    """What the database would refuse in this entry, apart from the checks
    across the cars of the race (classification_problems makes those)."""
    problems = []
    try:
        entry.full_clean(
            exclude=ENTRY_RELATED_FIELDS,
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        problems.extend(validation_messages(error))
    for constraint in Entry._meta.constraints:
        holds = ENTRY_CHECKS.get(constraint.name, lambda entry: True)
        if isinstance(constraint, models.CheckConstraint) and not holds(entry):
            problems.append(str(constraint.get_violation_error_message()))
    return problems


def set_sources(
    entry: Entry, refs: list[tuple[str, str]], *, keep_others: bool
) -> None:
    """Link the entry to the sources `refs` names (code, note). Unless
    `keep_others`, a source no longer named is unlinked; an unchanged link is
    kept as it is."""
    current = {link.source.code: link for link in entry.source_links.all()}
    sources = {
        source.code: source
        for source in Source.objects.filter(code__in=[code for code, _ in refs])
    }
    for code, note in refs:
        link = current.get(code)
        if link is None:
            EntrySource.objects.create(entry=entry, source=sources[code], note=note)
        elif note and link.note != note and not keep_others:
            link.note = note
            link.save()
    if not keep_others:
        named = {code for code, _ in refs}
        for code, link in current.items():
            if code not in named:
                link.delete()


def set_crew(entry: Entry, drivers: list[Driver]) -> None:
    """Make `drivers` the entry's crew in this order; an unchanged crew is kept."""
    current = list(entry.crew.order_by("order"))
    if [member.driver_id for member in current] == [d.pk for d in drivers]:
        return
    for member in current:
        member.delete()
    for order, driver in enumerate(drivers, start=1):
        Crew.objects.create(entry=entry, driver=driver, order=order)


@dataclass
class ImportLine:
    """One row of an imported file with what is wrong with it."""

    line: int
    row: ResultRow | None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import found and did (or, on a dry run, would do)."""

    lines: list[ImportLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # not tied to one row
    created: int = 0
    updated: int = 0
    deleted: int = 0
    is_written: bool = False
    # The race's classification changed since the preview: nothing written.
    is_stale: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors and not any(line.errors for line in self.lines)

    @property
    def messages(self) -> list[str]:
        """Every error, those of rows first, each naming its line."""
        return [
            f"line {line.line}: {error}" for line in self.lines for error in line.errors
        ] + self.errors

    @property
    def summary(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated and {self.deleted} "
            "removed entries"
        )


def validation_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        message if name == "__all__" else f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


@dataclass
class ImportPlan:
    """What a valid import writes: built in memory by the check."""

    builder: EntryBuilder
    entries: list[tuple[Entry, list[Driver], ResultRow]] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)


def match_entry(row: ResultRow, entries: list[Entry], taken: set[int]) -> Entry | None:
    """The car of `entries` that the row describes: the one with its number,
    else its slug, else the same class and crew; None for a car not entered.
    Cars in `taken` are already matched to other rows."""
    free = [entry for entry in entries if entry.pk not in taken]
    if row.car_number:
        for entry in free:
            if entry.car_number == row.car_number:
                return entry
    for entry in free:
        if entry.slug == row.slug and entry.car_class.code == row.class_code:
            return entry
    surnames = sorted(surname(name) for name in row.driver_names)
    if not surnames:
        return None
    for entry in free:
        crew = sorted(driver.last_name for driver in entry.crew_drivers)
        numbers_agree = not (entry.car_number and row.car_number)
        same_class = entry.car_class.code == row.class_code
        if crew == surnames and same_class and numbers_agree:
            return entry
    return None


def free_slug(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`... when another car of the race has it."""
    candidate, suffix = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    return candidate


class ClassificationImport:
    """Replaces one race's classification with the rows of a file.

    Entries are matched to rows by car number, slug, or class and crew
    (`match_entry`): a matching entry is updated and keeps its slug and
    story, a row that matches none becomes a new entry, and an entry the file
    no longer lists is removed, unless it has a story, which would be lost:
    then nothing is imported.

    With `fingerprint` (from `classification_fingerprint` at the preview),
    nothing is imported if the race's classification changed since.
    """

    def __init__(
        self,
        race: Race,
        rows: list[RawRow],
        *,
        source: str = "",
        fingerprint: str | None = None,
    ) -> None:
        self.race = race
        self.rows = rows
        self.source = source
        self.fingerprint = fingerprint

    def run(self, *, dry_run: bool = False) -> ImportReport:
        """Check every row; unless this is a dry run, import them all or none.

        A dry run only reads, outside any transaction: on SQLite even an
        atomic block that only reads would take the write lock.
        """
        if dry_run:
            report, _ = self.plan()
            return report
        try:
            with transaction.atomic():
                # Two confirms of one race wait for each other (PostgreSQL;
                # SQLite's transaction holds the write lock already).
                list(Race.objects.select_for_update().filter(pk=self.race.pk))
                self.race.refresh_from_db()
                if self.fingerprint is not None and (
                    classification_fingerprint(self.race) != self.fingerprint
                ):
                    return ImportReport(is_stale=True)
                report, plan = self.plan()
                if report.is_valid:
                    self.write(plan)
                    report.is_written = True
                return report
        except (IntegrityError, DataError) as error:
            # Checked in memory first, so only a concurrent change gets here.
            return ImportReport(
                errors=[f"The database refused the import, so nothing changed: {error}"]
            )

    def plan(self) -> tuple[ImportReport, ImportPlan]:
        """Check the rows and fill the entries in memory, writing nothing."""
        report = self.check()
        plan = ImportPlan(builder=EntryBuilder())
        rows = [line.row for line in report.lines if line.row]
        matched, entries = self.matched_entries(rows)
        kept_slugs = {entry.slug for entry in matched.values()}
        known_up_to = known_prefix_end(row.position for row in rows)
        for line in report.lines:
            if line.row is None:
                continue
            line.errors.extend(name_problems(line.row))
            if line.errors:
                continue
            entry = matched.get(line.line) or Entry(race=self.race)
            try:
                drivers = plan.builder.fill_entry(
                    entry, line.row, known_up_to=known_up_to
                )
            except ValidationError as error:
                line.errors.extend(error.messages)
                continue
            if entry.pk is None:
                entry.slug = free_slug(entry.slug, kept_slugs)
            kept_slugs.add(entry.slug)
            plan.entries.append((entry, drivers, line.row))
        kept = {entry.pk for entry in matched.values()}
        plan.removed = [entry for entry in entries if entry.pk not in kept]
        report.created = sum(1 for entry, *_ in plan.entries if entry.pk is None)
        report.updated = len(plan.entries) - report.created
        report.deleted = len(plan.removed)
        return report, plan

    def matched_entries(
        self, rows: list[ResultRow]
    ) -> tuple[dict[int, Entry], list[Entry]]:
        """The race's car each row describes, by the row's line, and all the
        race's cars."""
        entries = list(
            self.race.entries.select_related("car_class").prefetch_related(
                "crew__driver"
            )
        )
        matched: dict[int, Entry] = {}
        for row in rows:
            taken = {entry.pk for entry in matched.values()}
            entry = match_entry(row, entries, taken)
            if entry is not None:
                matched[row.line] = entry
        return matched, entries

    def check(self) -> ImportReport:
        """Read every row and check the rows together, writing nothing."""
        report = self.check_rows()
        rows = [line.row for line in report.lines if line.row]
        matched, _ = self.matched_entries(rows)
        report.errors.extend(self.lost_stories({e.pk for e in matched.values()}))
        return report

    def check_rows(self) -> ImportReport:
        """Read every row and check the rows together, as a classification."""
        report = ImportReport()
        if not self.rows:
            report.errors.append("The file has no rows.")
        for raw in self.rows:
            line = ImportLine(line=raw["_line"], row=None)
            report.lines.append(line)
            round_number = raw.get("round", "").strip()
            if round_number and round_number != str(self.race.round_number):
                line.errors.append(
                    f"this row is for round {round_number}, not round "
                    f"{self.race.round_number}"
                )
            try:
                line.row = parse_row(line.line, raw)
            except RowError as error:
                line.errors.append(str(error))
        number_repeated_identities([line.row for line in report.lines if line.row])
        known_sources = set(Source.objects.values_list("code", flat=True))
        for line in report.lines:
            if line.row:
                line.errors.extend(unknown_source_problems(line.row, known_sources))
        by_line = {line.line: line for line in report.lines}
        cars = [
            CarResult.from_row(
                line.row, surnames=[surname(name) for name in line.row.driver_names]
            )
            for line in report.lines
            if line.row
        ]
        problems = classification_problems(cars, is_complete=self.race.is_complete)
        for problem in problems:
            if problem.keys:
                for key in problem.keys:
                    by_line[key].errors.append(problem.message)
            else:
                report.errors.append(problem.message)
        return report

    def lost_stories(self, kept: set[int]) -> list[str]:
        """A message for each story whose car the file no longer lists."""
        entries = self.race.entries.filter(story__isnull=False).exclude(pk__in=kept)
        return [
            f'The story "{entry.story.headline}" of car {entry.slug} would be '
            f"lost: no row of the file is for car {entry.slug}. Keep the car in "
            "the file, or move or delete the story first."
            for entry in entries.select_related("story")
        ]

    def write(self, plan: ImportPlan) -> None:
        reason = (f"Imported from {self.source}" if self.source else "Imported")[:100]
        # A race version marks the import, so that reverting the race to the
        # version before undoes the whole import (races.history). The reason
        # goes where django-simple-history reads it.
        self.race._change_reason = reason  # type: ignore[attr-defined]
        self.race.save()
        for entry in plan.removed:
            delete_entry(entry, reason)
        # Free numbers, places and grid slots first, so that two cars can
        # swap them; each entry's history records only its final values.
        self.race.entries.update(position=None, grid=None, car_number="")
        plan.builder.save_planned()
        for entry, drivers, row in plan.entries:
            entry._change_reason = reason  # type: ignore[attr-defined]
            entry.save()
            set_crew(entry, drivers)
            set_sources(entry, row.source_refs, keep_others=False)


def classification_fingerprint(race: Race) -> str:
    """A digest of the race's classification as stored: it changes with any
    save of the race's completeness, entries, crews or stories."""
    entry_fields = [field.attname for field in Entry._meta.concrete_fields]
    state = (
        list(
            Race.objects.filter(pk=race.pk).values_list("round_number", "completeness")
        ),
        list(race.entries.order_by("pk").values_list(*entry_fields)),
        list(
            Crew.objects.filter(entry__race=race)
            .order_by("pk")
            .values_list("pk", "entry_id", "driver_id", "order")
        ),
        list(
            Story.objects.filter(entry__race=race)
            .order_by("pk")
            .values_list("pk", "entry")
        ),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()
