"""Bringing a new pass of season data into the site without losing anything.

A data folder laid out like shared/data/alms2004 (SOURCES.md, race_facts.csv,
results/NN-*.csv) is merged into the season the site holds:

- sources are added; a source the site has keeps what editors wrote;
- each results row is matched to the car it describes (by car number, by
  its slug, or by class and crew) and fills in what the site does not know
  yet; a car the site does not have is added;
- each round's facts (pole, fastest lap, entries and finishers per class)
  fill in what the race does not know yet;
- the rows' and facts' sources are linked.

A value the site already holds is never overwritten: where the file says
otherwise, the site keeps its value (an editor's correction, or the earlier
pass) and the merge lists the difference for an editor to settle. Nothing is
deleted, and editorial text (reports, stories, notes) is never touched, so
merging the same folder twice changes nothing the second time.

Everything is checked before anything is written: a malformed row, an
unknown source code or a value the database would refuse stops the whole
merge, naming the file and line.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import timing
from .classification import known_prefix_end
from .importing import (
    ClassificationImport,
    EntryBuilder,
    ImportReport,
    ResultRow,
    entry_problems,
    free_slug,
    match_entry,
    set_crew,
    set_sources,
)
from .models import (
    CarClass,
    CarModel,
    ClassCount,
    Driver,
    Entry,
    Race,
    RaceSource,
    Season,
    Source,
)
from .source_list import SourceListError, read_source_list, resolve_codes
from .uploads import RowError, read_table

# Entry fields a row fills in when the site does not know them yet.
FILLED_FIELDS = [
    "car_number",
    "team",
    "car_model",
    "engine",
    "tyre",
    "position",
    "reported_class_position",
    "laps",
    "grid",
    "race_time",
    "editor_note",
]
# Values no two cars of a race may share.
UNIQUE_IN_RACE = {"car_number", "position", "grid"}
SOURCE_FIELDS = ["url", "title", "publisher", "other_urls", "gave"]
RACE_FACT_FIELDS = [
    "reported_entries",
    "reported_finishers",
    "pole_car_number",
    "pole_driver",
    "pole_time",
    "fastest_lap_car_number",
    "fastest_lap_driver",
    "fastest_lap_time",
    "editor_note",
]


class MergeError(Exception):
    """The folder cannot be merged; the message names every problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def is_unknown(value) -> bool:
    return value is None or value == "" or value == Entry.Status.UNKNOWN


def is_refinement(old, new) -> bool:
    """A car known only by its make ('DBA') becomes the make's model ('DBA 03S')."""
    return (
        isinstance(old, CarModel)
        and isinstance(new, CarModel)
        and not old.name
        and same(old.manufacturer, new.manufacturer)
    )


def same(a, b) -> bool:
    """Equal values; rows compare by slug, as planned rows have no id yet."""
    if hasattr(a, "slug") and hasattr(b, "slug"):
        return a.slug == b.slug
    return a == b


def shown(value) -> str:
    if hasattr(value, "total_seconds"):
        return timing.format_time(value)
    return repr(str(value))


@dataclass
class RoundReport:
    label: str
    added: list[str] = field(default_factory=list)
    filled: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    links: int = 0

    @property
    def summary(self) -> str:
        if not (
            self.added or self.filled or self.facts or self.links or self.conflicts
        ):
            return f"{self.label}: up to date"
        filled = sum(len(names) for names in self.filled.values())
        parts = [
            f"{len(self.added)} cars added",
            f"{filled} values filled in on {len(self.filled)} cars",
            f"{len(self.facts)} race facts filled in",
            f"{self.links} sources linked",
            f"{len(self.conflicts)} differences kept as the site has them",
        ]
        return f"{self.label}: " + ", ".join(parts)


@dataclass
class MergeReport:
    sources_added: list[str] = field(default_factory=list)
    sources_filled: list[str] = field(default_factory=list)
    source_conflicts: list[str] = field(default_factory=list)
    rounds: list[RoundReport] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        return self.source_conflicts + [
            f"{item.label}, {conflict}"
            for item in self.rounds
            for conflict in item.conflicts
        ]

    @property
    def changed(self) -> bool:
        return bool(
            self.sources_added
            or self.sources_filled
            or any(
                item.added or item.filled or item.facts or item.links
                for item in self.rounds
            )
        )


@dataclass
class RoundFile:
    race: Race
    name: str
    job: ClassificationImport
    report: ImportReport | None = None


class SeasonMerge:
    """Merges a data folder into one season; `run` does it all or nothing."""

    def __init__(self, season: Season, folder: Path):
        self.season = season
        self.folder = folder
        self.races = {race.round_number: race for race in season.races.all()}

    def run(self, *, dry_run: bool = False) -> MergeReport:
        records = self.read_sources()
        facts = self.read_race_facts(set(records))
        rounds = self.read_results()
        try:
            with transaction.atomic():
                report = MergeReport()
                self.merge_sources(records, report)
                self.check_results(rounds)
                for round_file in rounds:
                    report.rounds.append(self.merge_round(round_file))
                for round_number, row in facts.items():
                    item = self.report_for(report, self.races[round_number])
                    self.merge_race_facts(self.races[round_number], row, item)
                if dry_run:
                    transaction.set_rollback(True)
                return report
        except IntegrityError as error:
            raise MergeError([f"The database refused the merge: {error}"]) from None

    # Reading -----------------------------------------------------------------

    def read_sources(self) -> dict:
        path = self.folder / "SOURCES.md"
        if not path.exists():
            raise MergeError([f"{path} is missing"])
        records = read_source_list(path.read_text(encoding="utf-8"))
        known = set(Source.objects.values_list("code", flat=True))
        self.known_codes = known | set(records)
        return records

    def read_race_facts(self, codes: set[str]) -> dict[int, dict]:
        """race_facts.csv by round, every value parsed; MergeError names
        each bad line."""
        path = self.folder / "race_facts.csv"
        if not path.exists():
            return {}
        problems = []
        facts = {}
        text = path.read_text(encoding="utf-8")
        for line, raw in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                round_number = int(raw["round"])
                if round_number not in self.races:
                    raise RowError(f"the season has no round {round_number}")
                facts[round_number] = self.parse_race_facts(raw)
            except (RowError, KeyError, ValueError, SourceListError) as error:
                message = (
                    f"column {error} is missing"
                    if isinstance(error, KeyError)
                    else error
                )
                problems.append(f"race_facts.csv, line {line}: {message}")
        if problems:
            raise MergeError(problems)
        return facts

    def parse_race_facts(self, raw: dict[str, str]) -> dict:
        def count(column: str) -> int | None:
            value = raw[column].strip()
            if not value:
                return None
            if not value.isdigit():
                raise RowError(f"{column} must be a whole number, not {value!r}")
            return int(value)

        def time(column: str):
            value = raw[column].strip()
            try:
                return timing.parse_time(value) if value else None
            except ValueError as error:
                raise RowError(f"{column}: {error}") from None

        classes = {code.lower(): code for code in CarClass.Code.values}
        return {
            "reported_entries": count("entries"),
            "reported_finishers": count("finishers"),
            "pole_car_number": raw["pole_car_no"].strip(),
            "pole_driver": raw["pole_driver"].strip(),
            "pole_time": time("pole_time"),
            "fastest_lap_car_number": raw["fastest_lap_car_no"].strip(),
            "fastest_lap_driver": raw["fastest_lap_driver"].strip(),
            "fastest_lap_time": time("fastest_lap_time"),
            "editor_note": raw.get("note", "").strip(),
            "classes": {
                code: (count(f"entries_{key}"), count(f"finishers_{key}"))
                for key, code in classes.items()
            },
            "sources": resolve_codes(raw["src"], self.known_codes),
        }

    def read_results(self) -> list[RoundFile]:
        files = sorted((self.folder / "results").glob("*.csv"))
        problems = []
        rounds = []
        for path in files:
            number = path.name.split("-", 1)[0]
            race = self.races.get(int(number)) if number.isdigit() else None
            if race is None:
                problems.append(f"{path.name}: the season has no round {number!r}")
                continue
            try:
                rows = read_table(path.name, path.read_bytes())
            except RowError as error:
                problems.append(str(error))
                continue
            job = ClassificationImport(race, rows, source=path.name)
            rounds.append(RoundFile(race=race, name=path.name, job=job))
        if problems:
            raise MergeError(problems)
        return rounds

    def check_results(self, rounds: list[RoundFile]) -> None:
        """Every row of every file checked, with the sources now stored."""
        problems = []
        for round_file in rounds:
            round_file.report = round_file.job.check_rows()
            problems += [
                f"results/{round_file.name}, {message}"
                for message in round_file.report.messages
            ]
        if problems:
            raise MergeError(problems)

    # Sources -----------------------------------------------------------------

    def merge_sources(self, records: dict, report: MergeReport) -> None:
        existing = Source.objects.in_bulk(list(records), field_name="code")
        for code, record in records.items():
            values = {
                "url": record.url,
                "title": record.title,
                "publisher": record.publisher,
                "other_urls": "\n".join(record.other_urls),
                "gave": record.gave,
            }
            source = existing.get(code)
            if source is None:
                source = Source(code=code, **values)
                self.save(source, "Source list")
                report.sources_added.append(code)
                continue
            filled = []
            for name, value in values.items():
                current = getattr(source, name)
                if value and not current:
                    setattr(source, name, value)
                    filled.append(name)
                elif value and current != value and name == "url":
                    report.source_conflicts.append(
                        f"source {code}: the site links {current}, the list "
                        f"{value}; kept the site's"
                    )
            if filled:
                self.save(source, "Source list")
                report.sources_filled.append(code)

    # Results -----------------------------------------------------------------

    def report_for(self, report: MergeReport, race: Race) -> RoundReport:
        for item in report.rounds:
            if item.label == self.label(race):
                return item
        item = RoundReport(label=self.label(race))
        report.rounds.append(item)
        return item

    @staticmethod
    def label(race: Race) -> str:
        return f"R{race.round_number} {race.short_name or race.name}"

    def merge_round(self, round_file: RoundFile) -> RoundReport:
        race = round_file.race
        item = RoundReport(label=self.label(race))
        entries = list(
            race.entries.select_related("car_class").prefetch_related(
                "crew__driver", "source_links__source"
            )
        )
        assert round_file.report is not None
        rows = [line.row for line in round_file.report.lines if line.row]
        known_up_to = known_prefix_end(row.position for row in rows)
        builder = EntryBuilder()
        matched: set[int] = set()
        problems = []
        for row in rows:
            entry = match_entry(row, entries, matched)
            incoming = Entry(race=race)
            try:
                drivers = builder.fill_entry(incoming, row, known_up_to=known_up_to)
            except ValidationError as error:
                problems += [
                    f"line {row.line}: {message}" for message in error.messages
                ]
                continue
            where = f"line {row.line} ({incoming})"
            if entry is None:
                self.add_entry(race, incoming, drivers, row, entries, item, where)
                entries.append(incoming)
            else:
                matched.add(entry.pk)
                problems += self.fill_entry(
                    entry, incoming, drivers, row, entries, item, where
                )
            item.links += self.link_sources(
                row, entries[-1] if entry is None else entry
            )
        if problems:
            raise MergeError([f"results/{round_file.name}, {p}" for p in problems])
        return item

    def add_entry(self, race, entry, drivers, row, entries, item, where) -> None:
        entry.slug = free_slug(entry.slug, {other.slug for other in entries})
        self.save_related(entry)
        entry._change_reason = f"Merged from {row_file(row, race)}"
        entry.save()
        set_crew(entry, [self.saved(driver) for driver in drivers])
        item.added.append(where)

    def fill_entry(
        self, entry, incoming, drivers, row, entries, item, where
    ) -> list[str]:
        filled = []
        for name in FILLED_FIELDS:
            new = getattr(incoming, name)
            old = getattr(entry, name)
            if is_unknown(new) or same(old, new):
                continue
            if not is_unknown(old) and not is_refinement(old, new):
                item.conflicts.append(
                    f"{where}: {name} is {shown(old)} on the site, {shown(new)} in "
                    "the file; kept the site's"
                )
                continue
            if name in UNIQUE_IN_RACE and any(
                getattr(other, name) == new for other in entries if other.pk != entry.pk
            ):
                item.conflicts.append(
                    f"{where}: {name} {shown(new)} belongs to another car on the "
                    "site; not filled in"
                )
                continue
            setattr(entry, name, new)
            filled.append(name)
        filled += self.fill_status(entry, incoming, item, where)
        filled += self.fill_gap(entry, incoming, item, where)
        filled += self.fill_crew(entry, drivers, item, where)
        if not filled:
            return []
        problems = [f"{where}: {problem}" for problem in entry_problems(entry)]
        if problems:
            return problems
        self.save_related(entry)
        entry._change_reason = f"Merged from {row_file(row, entry.race)}"
        entry.save()
        if "drivers" in filled:
            set_crew(entry, [self.saved(driver) for driver in drivers])
        item.filled[where] = filled
        return []

    @staticmethod
    def fill_status(entry, incoming, item, where) -> list[str]:
        if incoming.status == Entry.Status.UNKNOWN:
            return []
        if entry.status == Entry.Status.UNKNOWN:
            entry.status, entry.reason = incoming.status, incoming.reason
            return ["status"]
        if entry.status != incoming.status:
            item.conflicts.append(
                f"{where}: status is {entry.status_label!r} on the site, "
                f"{incoming.status_label!r} in the file; kept the site's"
            )
            return []
        if incoming.reason and not entry.reason:
            entry.reason = incoming.reason
            return ["reason"]
        return []

    @staticmethod
    def fill_gap(entry, incoming, item, where) -> list[str]:
        new = (incoming.gap_laps, incoming.gap_time, incoming.is_gap_to_class_winner)
        old = (entry.gap_laps, entry.gap_time, entry.is_gap_to_class_winner)
        if new[:2] == (None, None) or new == old:
            return []
        if old[:2] != (None, None):
            item.conflicts.append(f"{where}: the stated gap differs; kept the site's")
            return []
        entry.gap_laps, entry.gap_time, entry.is_gap_to_class_winner = new
        return ["gap"]

    def fill_crew(self, entry, drivers, item, where) -> list[str]:
        """The crew when the site has none; first names the site lacks."""
        crew = entry.crew_drivers
        if not drivers or [d.slug for d in crew] == [d.slug for d in drivers]:
            return []
        if not crew:
            return ["drivers"]
        if [d.last_name for d in crew] != [d.last_name for d in drivers]:
            item.conflicts.append(
                f"{where}: the crew is {' / '.join(map(str, crew))} on the site, "
                f"{' / '.join(map(str, drivers))} in the file; kept the site's"
            )
            return []
        named = []
        for known, new in zip(crew, drivers, strict=True):
            if not known.first_name and new.first_name:
                known.first_name = new.first_name
                known.save()
                named.append(known.last_name)
        return [f"first name of {name}" for name in named]

    def link_sources(self, row: ResultRow, entry: Entry) -> int:
        linked = {link.source.code for link in entry.source_links.all()}
        new = [(code, note) for code, note in row.source_refs if code not in linked]
        if new:
            set_sources(entry, new, keep_others=True)
            # The prefetched links are stale now.
            getattr(entry, "_prefetched_objects_cache", {}).pop("source_links", None)
        return len(new)

    # Race facts --------------------------------------------------------------

    def merge_race_facts(self, race: Race, facts: dict, item: RoundReport) -> None:
        builder = EntryBuilder()
        values = dict(facts)
        for key in ("pole_driver", "fastest_lap_driver"):
            values[key] = builder.driver(values[key], set()) if values[key] else None
        changed = []
        for name in RACE_FACT_FIELDS:
            new, old = values[name], getattr(race, name)
            if is_unknown(new) or same(old, new):
                continue
            if not is_unknown(old):
                item.conflicts.append(
                    f"race facts: {name} is {shown(old)} on the site, {shown(new)} "
                    "in the file; kept the site's"
                )
                continue
            if isinstance(new, Driver):
                new = self.saved(new)
            setattr(race, name, new)
            changed.append(name)
        if changed:
            race._change_reason = "Merged from race_facts.csv"
            race.save()
        changed += self.merge_class_counts(race, facts["classes"], item)
        item.facts += changed
        for code, note in facts["sources"]:
            source = Source.objects.get(code=code)
            _, created = RaceSource.objects.get_or_create(
                race=race,
                source=source,
                defaults={"note": note},
            )
            item.links += created

    @staticmethod
    def merge_class_counts(race: Race, classes: dict, item: RoundReport) -> list[str]:
        counts = {count.car_class.code: count for count in race.class_counts.all()}
        changed = []
        for code, (entries, finishers) in classes.items():
            if entries is None and finishers is None:
                continue
            count = counts.get(code) or ClassCount(
                race=race, car_class=CarClass.objects.get(code=code)
            )
            filled = False
            for name, new in (("entries", entries), ("finishers", finishers)):
                old = getattr(count, name)
                if new is None or old == new:
                    continue
                if old is not None:
                    item.conflicts.append(
                        f"race facts: {code} {name} is {old} on the site, {new} in "
                        "the file; kept the site's"
                    )
                    continue
                setattr(count, name, new)
                filled = True
            if filled:
                count.save()
                changed.append(f"{code} counts")
        return changed

    # Saving ------------------------------------------------------------------

    @staticmethod
    def save(obj, reason: str) -> None:
        obj._change_reason = reason
        obj.save()

    def saved(self, obj):
        """The object, saved first if it is only planned."""
        if obj is not None and obj.pk is None:
            if isinstance(obj, CarModel):
                self.saved(obj.manufacturer)
                obj.manufacturer = obj.manufacturer
            obj.save()
        return obj

    def save_related(self, entry: Entry) -> None:
        entry.team = self.saved(entry.team)
        entry.car_model = self.saved(entry.car_model)


def row_file(row: ResultRow, race: Race) -> str:
    return f"round {race.round_number} results, line {row.line}"
