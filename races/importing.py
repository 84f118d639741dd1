"""Reading classifications in the column format of shared/data/alms2004.

Columns: round, pos, class, class_pos, car_no, team, drivers, chassis,
engine, tyre, laps, gap, status, grid, fastest_lap, src, xref.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from . import seed_2004
from .models import CarClass, CarModel, Driver, Entry, Manufacturer, Race, Team

STATUS_PATTERN = re.compile(r"^(?P<code>[A-Za-z]+)\s*(?:\((?P<reason>.*)\))?$")
STATUS_CODES = {
    "finished": Entry.Status.RUNNING,
    "classified": Entry.Status.CLASSIFIED,
    "dnf": Entry.Status.RETIRED,
    "dns": Entry.Status.DID_NOT_START,
    "nc": Entry.Status.NOT_CLASSIFIED,
    "dsq": Entry.Status.DISQUALIFIED,
}


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
        reported_class_position = None
        if not race.is_complete and not (row.position and row.position <= known_up_to):
            reported_class_position = row.class_position
        entry = Entry(
            race=race,
            slug=row.slug,
            car_number=row.car_number,
            car_class=self.classes[row.class_code],
            team=self.team(row.team_name),
            car_model=self.car_model(row.chassis),
            engine=row.engine,
            tyre=row.tyre,
            position=row.position,
            reported_class_position=reported_class_position,
            laps=row.laps,
            status=row.status,
            reason=row.reason,
            grid=row.grid,
            note=" ".join(row.notes),
        )
        entry.full_clean()
        entry.save()
        taken: set[str] = set()
        for order, name in enumerate(row.driver_names, start=1):
            driver = self.driver(name, taken)
            taken.add(driver.slug)
            entry.crew.create(driver=driver, order=order)
        return entry
