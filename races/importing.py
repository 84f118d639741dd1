"""Reading classifications in the column format of shared/data/alms2004.

Columns: round, pos, class, class_pos, car_no, team, drivers, chassis,
engine, tyre, laps, gap, status, grid, fastest_lap, src, xref.

`ClassificationImport` replaces one race's classification with the rows of
such a file (CSV or XLSX), all or nothing; the admin's import page and the
`import_results` command both use it.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from openpyxl.utils.exceptions import InvalidFileException

from . import seed_2004
from .classification import CarResult, classification_problems, known_prefix_end
from .history import delete_entry
from .models import (
    CarClass,
    CarModel,
    Crew,
    Driver,
    Entry,
    Manufacturer,
    Race,
    Team,
)

STATUS_PATTERN = re.compile(r"^(?P<code>[A-Za-z]+)\s*(?:\((?P<reason>.*)\))?$")
STATUS_CODES = {
    "finished": Entry.Status.RUNNING,
    "classified": Entry.Status.CLASSIFIED,
    "dnf": Entry.Status.RETIRED,
    "dns": Entry.Status.DID_NOT_START,
    "nc": Entry.Status.NOT_CLASSIFIED,
    "dsq": Entry.Status.DISQUALIFIED,
}


REQUIRED_COLUMNS = [
    "round",
    "pos",
    "class",
    "class_pos",
    "car_no",
    "team",
    "drivers",
    "chassis",
    "engine",
    "tyre",
    "laps",
    "status",
    "grid",
]


class RowError(ValueError):
    """A row of a classification file that cannot be read."""


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
    sources: str
    notes: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        if self.car_number:
            return slugify(self.car_number)
        return slugify("-".join(surname(name) for name in self.driver_names))


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
    if code is None:
        raise RowError(
            f"status {text!r} is not one of finished, classified, DNF (reason), "
            "DNS, NC (reason), DSQ"
        )
    return code, (match["reason"] or "").strip()


def surname(name: str) -> str:
    name = name.strip()
    if name in seed_2004.SURNAME_ONLY:
        return name
    return name.split(" ", 1)[1] if " " in name else name


def split_name(name: str) -> tuple[str, str]:
    """('JJ', 'Lehto') from 'JJ Lehto'; ('', 'Petersen') for a surname alone."""
    name = name.strip()
    last = surname(name)
    first = name[: len(name) - len(last)].strip()
    return first, last


def parse_row(line: int, raw: dict[str, str]) -> ResultRow:
    try:
        class_code = raw["class"].strip()
        if class_code not in CarClass.Code.values:
            raise RowError(
                f"class {class_code!r} is not one of {', '.join(CarClass.Code.values)}"
            )
        drivers = [name.strip() for name in raw["drivers"].split("/") if name.strip()]
        if not drivers:
            raise RowError("drivers is empty")
        status, reason = parse_status(raw["status"])
        laps = optional_int(raw["laps"], "laps")
        if status == Entry.Status.DID_NOT_START and laps:
            raise RowError("a car that did not start has no laps")
        tyre = raw["tyre"].strip()
        if tyre and tyre not in seed_2004.TYRES:
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
            tyre=seed_2004.TYRES.get(tyre, ""),
            laps=laps,
            status=status,
            reason=reason,
            grid=optional_int(raw["grid"], "grid"),
            sources=raw.get("src", "").strip(),
        )
    except KeyError as missing:
        raise RowError(f"column {missing} is missing") from None


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
    """Creates entries, finding or creating teams, cars and drivers by name."""

    def __init__(self):
        self.classes = {
            car_class.code: car_class for car_class in CarClass.objects.all()
        }

    def team(self, name: str) -> Team | None:
        if not name:
            return None
        name = seed_2004.TEAM_NAMES.get(name, name)
        team, _ = Team.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        return team

    def car_model(self, chassis: str) -> CarModel | None:
        if not chassis:
            return None
        chassis = seed_2004.CHASSIS_NAMES.get(chassis, chassis)
        make, _, model = chassis.partition(" ")
        manufacturer, _ = Manufacturer.objects.get_or_create(
            slug=slugify(make), defaults={"name": make}
        )
        car_model, _ = CarModel.objects.get_or_create(
            slug=slugify(chassis.replace("/", " ")),
            defaults={"manufacturer": manufacturer, "name": model},
        )
        return car_model

    def driver(self, name: str, taken: set[str]) -> Driver:
        first, last = split_name(name)
        slug = slugify(f"{first} {last}")
        # Two drivers with the same surname and no known first names in one
        # crew are two people (the van der Steurs at Mid-Ohio).
        suffix = 2
        base = slug
        while slug in taken:
            slug = f"{base}-{suffix}"
            suffix += 1
        driver, _ = Driver.objects.get_or_create(
            slug=slug,
            defaults={
                "first_name": first,
                "last_name": last,
                "nationality": seed_2004.NATIONALITIES.get(slug, ""),
            },
        )
        return driver

    def create_entry(self, race: Race, row: ResultRow, *, known_up_to: int) -> Entry:
        return self.save_entry(Entry(race=race), row, known_up_to=known_up_to)

    def save_entry(self, entry: Entry, row: ResultRow, *, known_up_to: int) -> Entry:
        """Fill a new or existing entry from a row and give it the row's crew."""
        race = entry.race
        reported_class_position = None
        if not race.is_complete and not (row.position and row.position <= known_up_to):
            reported_class_position = row.class_position
        entry.slug = row.slug
        entry.car_number = row.car_number
        entry.car_class = self.classes[row.class_code]
        entry.team = self.team(row.team_name)
        entry.car_model = self.car_model(row.chassis)
        entry.engine = row.engine
        entry.tyre = row.tyre
        entry.position = row.position
        entry.reported_class_position = reported_class_position
        entry.laps = row.laps
        entry.status = row.status
        entry.reason = row.reason
        entry.grid = row.grid
        # Notes are editorial, like stories: a file without one keeps the note.
        entry.note = " ".join(row.notes) or entry.note
        entry.full_clean()
        entry.save()
        taken: set[str] = set()
        drivers = []
        for name in row.driver_names:
            driver = self.driver(name, taken)
            taken.add(driver.slug)
            drivers.append(driver)
        set_crew(entry, drivers)
        return entry


def set_crew(entry: Entry, drivers: list[Driver]):
    """Make `drivers` the entry's crew in this order; an unchanged crew is kept."""
    current = list(entry.crew.order_by("order"))
    if [member.driver_id for member in current] == [d.pk for d in drivers]:
        return
    for member in current:
        member.delete()
    for order, driver in enumerate(drivers, start=1):
        Crew.objects.create(entry=entry, driver=driver, order=order)


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as text keyed by the header row.

    Each row also gets `_line`, its line (or sheet row) number in the file.
    """
    if name.lower().endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except (InvalidFileException, zipfile.BadZipFile, KeyError):
            raise RowError(f"{name} is not an Excel workbook (.xlsx)") from None
        values = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell) for cell in next(values, ())]
        lines = (
            [cell_text(cell) for cell in row] for row in values
        )  # sheet row 1 is the header
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RowError(f"{name} is not UTF-8 text") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [column.strip() for column in next(reader, [])]
        lines = reader
    rows = []
    for line, cells in enumerate(lines, start=2):
        if not any(cells):
            continue
        row = dict(zip(header, cells, strict=False))
        row["_line"] = line
        rows.append(row)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RowError(f"{name} has no column {', '.join(missing)}")
    return rows


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


class ClassificationImport:
    """Replaces one race's classification with the rows of a file.

    Entries are matched to rows by slug (the car number, or the crew's
    surnames): a matching entry is updated and keeps its story, a new slug
    becomes a new entry, and an entry the file no longer lists is removed,
    unless it has a story, which would be lost: then nothing is imported.
    """

    def __init__(self, race: Race, rows: list[dict[str, str]], *, source: str = ""):
        self.race = race
        self.rows = rows
        self.source = source

    def run(self, *, dry_run: bool = False) -> ImportReport:
        report = self.check()
        if not report.is_valid:
            return report
        with transaction.atomic():
            self.write(report)
            if dry_run or not report.is_valid:
                transaction.set_rollback(True)
            else:
                report.is_written = True
        return report

    def check(self) -> ImportReport:
        """Read every row and check the rows together, writing nothing."""
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
        by_line = {line.line: line for line in report.lines}
        cars = [
            CarResult(
                key=line.line,
                car_number=line.row.car_number,
                slug=line.row.slug,
                crew=" / ".join(surname(name) for name in line.row.driver_names),
                position=line.row.position,
                grid=line.row.grid,
                laps=line.row.laps,
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
        report.errors.extend(self.lost_stories({car.slug for car in cars}))
        return report

    def lost_stories(self, slugs: set[str]) -> list[str]:
        """A message for each story whose car the file no longer lists."""
        entries = self.race.entries.filter(story__isnull=False).exclude(slug__in=slugs)
        return [
            f'The story "{entry.story.headline}" of car {entry.slug} would be '
            f"lost: no row of the file is for car {entry.slug}. Keep the car in "
            "the file, or move or delete the story first."
            for entry in entries.select_related("story")
        ]

    def write(self, report: ImportReport):
        rows = [line.row for line in report.lines]
        reason = (f"Imported from {self.source}" if self.source else "Imported")[:100]
        existing = {entry.slug: entry for entry in self.race.entries.all()}
        slugs = {row.slug for row in rows}
        for slug, entry in existing.items():
            if slug not in slugs:
                delete_entry(entry, reason)
                report.deleted += 1
        # Free numbers, places and grid slots first, so that two cars can
        # swap them; each entry's history records only its final values.
        self.race.entries.update(position=None, grid=None, car_number="")
        builder = EntryBuilder()
        known_up_to = known_prefix_end(row.position for row in rows)
        for line in report.lines:
            entry = existing.get(line.row.slug)
            if entry is None:
                entry = Entry(race=self.race)
                report.created += 1
            else:
                entry.refresh_from_db()
                report.updated += 1
            entry._change_reason = reason
            try:
                with transaction.atomic():
                    builder.save_entry(entry, line.row, known_up_to=known_up_to)
            except ValidationError as error:
                line.errors.extend(validation_messages(error))
