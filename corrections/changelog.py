"""The public changelog: every change editors made to the results, read from
the season data's own history, with the fan's source and credit where the
change came from an accepted correction.

Nothing is written twice: a change is the history record that saving it
made (django-simple-history), and a correction applied in one step names
itself in that record's change reason ("from correction #N"). The first
records made when the season was loaded, and the rows deleted along with a
race or car (already told by that deletion), are left out.

Editors' names and every email stay private: a record's user is never read.
A page costs the same few queries however long the history is: one UNION
to order and count every change, then a query per kind of row for the page.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import capfirst

from races.models import Circuit, Crew, Driver, Entry, Race, Story

from . import about
from .forms import is_web_link
from .models import Correction

# The history tables the changelog reads, by the name each row is tagged with.
MODELS = {
    "race": Race,
    "entry": Entry,
    "crew": Crew,
    "story": Story,
    "driver": Driver,
    "circuit": Circuit,
}
# Rows that are a page of their own rather than a part of a race page.
OWN_PAGE_KINDS = {"driver", "circuit"}
# First records of rows as they already were: no change to list.
NOT_CHANGES = ["Recorded when loaded", "Recorded when history began"]
DELETED_WITH = "Deleted with "
CORRECTION_REASON = re.compile(r"^from correction #(\d+)$")
# Bookkeeping and the keys that tie a row to its page, not facts of it.
NOT_SHOWN = {"id", "edit_version", "slug", "race", "entry", "season"}
ACTIONS = {"+": "added", "~": "changed", "-": "removed"}


def tagged(queryset, kind: str, *, pk: str, moment: str):
    """A part of the changelog's UNION: every column an annotation, so that
    each part lists them in the same order."""
    return (
        queryset.annotate(
            kind=models.Value(kind, output_field=models.CharField()),
            change_id=models.F(pk),
            changed_at=models.F(moment),
        )
        .values("kind", "change_id", "changed_at")
        .order_by()
    )


def changes():
    """Every shown change, newest first, as dicts of kind, change_id (a
    history_id, or a correction's number) and changed_at: one query, which
    the paginator slices and counts.

    Corrections accepted for an editor to apply by hand are listed as
    decisions: the edit itself is one of the history records.
    """
    parts = [
        tagged(
            model.history.exclude(history_change_reason__in=NOT_CHANGES).exclude(
                history_change_reason__startswith=DELETED_WITH
            ),
            kind,
            pk="history_id",
            moment="history_date",
        )
        for kind, model in MODELS.items()
    ]
    parts.append(
        tagged(
            Correction.objects.filter(
                status=Correction.Status.ACCEPTED, is_applied=False
            ),
            "correction",
            pk="pk",
            moment="decided_at",
        )
    )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-changed_at", "-change_id")


@dataclass
class Item:
    """One change as the changelog shows it."""

    kind: str
    history_id: int
    changed_at: object
    thing: str
    action: str
    page_label: str = ""
    page_url: str = ""
    lines: list[str] = field(default_factory=list)
    correction: Correction | None = None

    @property
    def anchor(self) -> str:
        return f"change-{self.kind}-{self.history_id}"

    @property
    def title(self) -> str:
        return f"{self.thing} {self.action}"

    @property
    def source_is_link(self) -> bool:
        return self.correction is not None and is_web_link(self.correction.source)


def items(rows) -> list[Item]:
    """The page's rows of `changes()` as Items, with a constant number of queries."""
    rows = list(rows)
    decisions = Correction.objects.in_bulk(
        [row["change_id"] for row in rows if row["kind"] == "correction"]
    )
    records = load_records(rows)
    previous = previous_records(records.values())
    names = RelatedNames(records.values(), previous.values())
    pages = Pages(records.values())
    corrections = accepted_corrections(records.values())
    result = []
    for row in rows:
        if row["kind"] == "correction":
            if row["change_id"] in decisions:
                result.append(decision_item(decisions[row["change_id"]]))
            continue
        record = records.get((row["kind"], row["change_id"]))
        if record is None:
            continue
        kind = row["kind"]
        item = Item(
            kind=kind,
            history_id=record.history_id,
            changed_at=record.history_date,
            thing=pages.thing(kind, record, names),
            action=ACTIONS.get(record.history_type, "changed"),
        )
        item.page_label, item.page_url = pages.page(kind, record)
        before = previous.get((kind, record.history_id))
        if record.history_type == "~" and before is not None:
            item.lines = changed_lines(before, record, names)
        item.correction = corrections.get(record.history_change_reason or "")
        result.append(item)
    return result


def decision_item(correction: Correction) -> Item:
    """A correction accepted for an editor to make by hand."""
    item = Item(
        kind="correction",
        history_id=correction.pk,
        changed_at=correction.decided_at,
        thing=f"Suggestion #{correction.pk}",
        action="accepted",
        page_label=correction.target_label,
        page_url=about.url_of(correction.target),
        correction=correction,
    )
    field = correction.field.replace("_", " ").capitalize()
    proposed = f"“{correction.proposed_value}”"
    item.lines = [f"{field}: {proposed}" if field else f"Proposed: {proposed}"]
    return item


def load_records(rows) -> dict:
    ids = defaultdict(list)
    for row in rows:
        if row["kind"] in MODELS:
            ids[row["kind"]].append(row["change_id"])
    records = {}
    for kind, history_ids in ids.items():
        for record in MODELS[kind].history.filter(history_id__in=history_ids):
            records[(kind, record.history_id)] = record
    return records


def kind_of(record) -> str:
    return next(k for k, m in MODELS.items() if isinstance(record, m.history.model))


def previous_records(records) -> dict:
    """The record before each of `records` of the same row, by (kind, history_id)."""
    by_kind = defaultdict(list)
    for record in records:
        if record.history_type == "~":
            by_kind[kind_of(record)].append(record)
    previous = {}
    for kind, changed in by_kind.items():
        latest = max(record.history_date for record in changed)
        history = (
            MODELS[kind]
            .history.filter(id__in={record.id for record in changed})
            .filter(history_date__lte=latest)
            .order_by("id", "history_date", "history_id")
        )
        last_of_row = {}
        wanted = {record.history_id for record in changed}
        for record in history:
            if record.history_id in wanted and record.id in last_of_row:
                previous[(kind, record.history_id)] = last_of_row[record.id]
            last_of_row[record.id] = record
    return previous


def shown_fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in NOT_SHOWN]


class RelatedNames:
    """Names of the rows the records point to (team, car, driver…), one
    query per related model."""

    def __init__(self, *record_groups):
        wanted = defaultdict(set)
        for records in record_groups:
            for record in records:
                model = record.instance_type
                for model_field in shown_fields(model):
                    value = getattr(record, model_field.attname)
                    if model_field.is_relation and value is not None:
                        wanted[model_field.related_model].add(value)
        self.rows = {}
        for model, pks in wanted.items():
            queryset = model._default_manager.all()
            if hasattr(model, "manufacturer"):
                queryset = queryset.select_related("manufacturer")
            self.rows[model] = queryset.in_bulk(pks)

    def name(self, model, pk) -> str:
        row = self.rows.get(model, {}).get(pk)
        return str(row) if row is not None else "a row since deleted"


def shown(value) -> str:
    return "empty" if value in (None, "") else f"“{value}”"


def value_text(record, model_field, names: RelatedNames) -> str:
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return "empty"
    if model_field.is_relation:
        return shown(names.name(model_field.related_model, value))
    if model_field.choices:
        return shown(dict(model_field.flatchoices).get(value, value))
    return shown(value)


def changed_lines(before, after, names: RelatedNames) -> list[str]:
    """What differs between two records of a row, in words."""
    lines = []
    for model_field in shown_fields(after.instance_type):
        then = getattr(before, model_field.attname)
        now = getattr(after, model_field.attname)
        if then == now:
            continue
        label = capfirst(model_field.verbose_name)
        if isinstance(model_field, models.TextField):
            lines.append(f"{label} rewritten")
        else:
            then_text = value_text(before, model_field, names)
            now_text = value_text(after, model_field, names)
            lines.append(f"{label}: {then_text} → {now_text}")
    return lines


class Pages:
    """The public page of each record (its race page), with one query for
    the races and one for the cars that crews and stories belong to."""

    def __init__(self, records):
        records = list(records)
        entry_ids = {
            record.entry_id for record in records if hasattr(record, "entry_id")
        }
        self.entries = Entry.objects.in_bulk(entry_ids)
        # A car deleted since is named as it was last recorded.
        for record in (
            Entry.history.filter(id__in=entry_ids - set(self.entries))
            .order_by("id", "history_date", "history_id")
            .iterator()
        ):
            self.entries[record.id] = record
        race_ids = {entry.race_id for entry in self.entries.values()}
        race_ids |= {getattr(record, "race_id", None) for record in records} | {
            record.id for record in records if isinstance(record, Race.history.model)
        }
        race_ids.discard(None)
        self.races = Race.objects.select_related("season").in_bulk(race_ids)

    def race_of(self, kind: str, record) -> Race | None:
        if kind in OWN_PAGE_KINDS:
            return None
        if kind == "race":
            return self.races.get(record.id)
        if kind == "entry":
            return self.races.get(record.race_id)
        entry = self.entries.get(record.entry_id)
        return self.races.get(entry.race_id) if entry is not None else None

    def page(self, kind: str, record) -> tuple[str, str]:
        if kind in OWN_PAGE_KINDS:
            if record.history_type == "-":
                return "", ""
            row = record.instance
            label = row.full_name if kind == "driver" else row.name
            return label, row.get_absolute_url()
        race = self.race_of(kind, record)
        if race is None:
            return "", ""
        label = f"{race.short_name} {race.season.year}"
        url = race.get_absolute_url()
        if kind == "entry" and record.history_type != "-":
            url += f"#car-{record.slug}"
        return label, url

    def car(self, record) -> str:
        number = getattr(record, "car_number", None)
        if number:
            return f"Car #{number}"
        entry = self.entries.get(getattr(record, "entry_id", None))
        if entry is not None and entry.car_number:
            return f"Car #{entry.car_number}"
        return "A car"

    def thing(self, kind: str, record, names: RelatedNames) -> str:
        if kind in OWN_PAGE_KINDS:
            noun = kind.capitalize()
            return f"{noun} details" if record.history_type == "~" else noun
        if kind == "race":
            return "Race details" if record.history_type == "~" else "Race"
        if kind == "entry":
            return self.car(record)
        if kind == "story":
            return f"Story of {self.car(record).lower()}"
        driver = names.name(Driver, record.driver_id)
        return f"{driver} in the crew of {self.car(record).lower()}"


def accepted_corrections(records) -> dict:
    """Accepted corrections by the change reason that names them."""
    numbers = {}
    for record in records:
        match = CORRECTION_REASON.match(record.history_change_reason or "")
        if match:
            numbers[int(match.group(1))] = record.history_change_reason
    found = Correction.objects.filter(pk__in=numbers, status=Correction.Status.ACCEPTED)
    return {numbers[correction.pk]: correction for correction in found}
