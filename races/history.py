"""Change history of season data: deleting so that it can be undone.

django-simple-history keeps a historical row for every save and delete of
the models that have `history = HistoricalRecords()` (Season with its
points rules, PointsScale, Race, Entry, Crew, Story, Source and the links
to sources), with the editor who made it (HistoryRequestMiddleware). The
admin shows that history and reverts a change in one click (races/admin.py,
HistoryAdmin).

A deletion cascades: a race takes its entries and its parts (counts per
class, sources), an entry its parts (crew, sources) and story. To undo one
as a whole, the rows are deleted here one by one, each with a change reason
naming the row it was deleted with, and `restore` brings back the row and
everything deleted with it.

To keep the history of a new model (e.g. the points rules):

1. add `history = HistoricalRecords()` to the model (HISTORY_MODELS below
   finds it there);
2. register its admin as a subclass of `races.admin.HistoryAdmin`;
3. if reverting one of its rows should bring back rows that belong to it,
   add a function to PART_REVERTERS and their models to REVERTED_WITH;
4. run `manage.py makemigrations races`.

Its historical model is left out of fixtures/ by races.fixtures, and the
Editors group needs no extra permission: history is shown to whoever may
view the model and reverted by whoever may change it and its parts.

Reverting is whole: a version of a season, race or entry stands for the row
and its parts (a season's points scales and which scale each race used, a
race's cars, an entry's crew) as they were until the row's next change.
That moment, not the version's own time, because a save writes the row
first and its parts just after (the race page saves the race, then its
cars), while a deletion deletes the parts first. `revert_parts` brings the
parts back, each restored row recording "Reverted to <date>".

Nothing is written that would break a rule of the database: a row that
cannot come back raises `Conflict`, which says why, and the transaction
writes nothing.

The module is long because deleting, restoring and reverting share their
bookkeeping (which rows went with which, and when a version ends) and each
explains a conflict before it writes anything.
"""

import datetime

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast, Concat
from simple_history.manager import HistoryManager

from .models import (
    ClassCount,
    Crew,
    Driver,
    Entry,
    EntrySource,
    PointsScale,
    Race,
    RaceSource,
    Season,
    Source,
    Story,
)

# The rows that belong to an entry or to a race besides its cars: deleted,
# reverted and restored with it.
ENTRY_PARTS = (Crew, EntrySource)
RACE_PARTS = (ClassCount, RaceSource)


def has_history(model) -> bool:
    """Whether the model keeps a change history (`history = HistoricalRecords()`)."""
    return isinstance(getattr(model, "history", None), HistoryManager)


HISTORY_MODELS = [
    model for model in apps.get_app_config("races").get_models() if has_history(model)
]


def record_current_state():
    """A first history record of each row that has none.

    loaddata records no history; without a first record, an editor's
    first change of a loaded row could not be reverted.
    """
    for model in HISTORY_MODELS:
        unrecorded = model._default_manager.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(
            list(unrecorded), default_change_reason="Recorded when loaded"
        )


def deleted_with_prefix(model_name: str, pk) -> str:
    return f"Deleted with {model_name} {pk}:"


def deleted_with_reason(obj) -> str:
    # history_change_reason holds 100 characters.
    return f"{deleted_with_prefix(obj._meta.model_name, obj.pk)} {obj}"[:100]


def _delete(obj, reason: str = ""):
    if reason:
        obj._change_reason = reason
    obj.delete()


@transaction.atomic
def delete_entry(entry: Entry, reason: str = ""):
    """Delete an entry with its crew and story, so that `restore` can undo it."""
    children_reason = deleted_with_reason(entry)
    if hasattr(entry, "story"):
        _delete(entry.story, children_reason)
    for model in ENTRY_PARTS:
        for part in model._default_manager.filter(entry=entry):
            _delete(part, children_reason)
    _delete(entry, reason)


@transaction.atomic
def delete_race(race: Race, reason: str = ""):
    """Delete a race with its entries, so that `restore` can undo it."""
    children_reason = deleted_with_reason(race)
    for entry in race.entries.all():
        delete_entry(entry, children_reason)
    for model in RACE_PARTS:
        for part in model._default_manager.filter(race=race):
            _delete(part, children_reason)
    _delete(race, reason)


def deleted_records(model) -> list:
    """The latest deletion record of each row of `model` that no longer exists."""
    records = (
        model.history.filter(history_type="-")
        .exclude(id__in=model._default_manager.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    latest = {}
    for record in records:
        latest.setdefault(record.id, record)
    return list(latest.values())


class Conflict(Exception):
    """A row cannot be written back as it was: the message says why."""

    def __init__(self, message: str, *, restore_first=None):
        super().__init__(message)
        self.message = message
        # The model of a deleted row to restore first, when that is the way out.
        self.restore_first = restore_first

    @classmethod
    def refused(cls, obj, problem: str, error: IntegrityError):
        """A rule of the database that the checks before writing missed."""
        return cls(f"{label(obj)} {problem}: the database refused it ({error}).")


def label(obj) -> str:
    """How to name a row, even one whose race or season has been deleted."""
    try:
        return str(obj)
    except ObjectDoesNotExist:
        if isinstance(obj, Entry) and obj.car_number:
            return f"#{obj.car_number}"
        return f"{obj._meta.verbose_name} {obj.pk}"


def check_references(obj, problem: str):
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if not field.is_relation or value is None:
            continue
        related = field.related_model
        if not related._default_manager.filter(pk=value).exists():
            raise Conflict(
                f"{label(obj)} {problem}: its {field.verbose_name} was deleted.",
                restore_first=related if related in HISTORY_MODELS else None,
            )


def _unique_together(model):
    """Each set of fields whose values are unique, with its condition if any."""
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield [field], None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            fields = [model._meta.get_field(name) for name in constraint.fields]
            yield fields, constraint.condition


def _check_unique(obj, problem: str):
    model = type(obj)
    for fields, condition in _unique_together(model):
        values = {field.name: getattr(obj, field.attname) for field in fields}
        if None in values.values():
            continue  # NULL never clashes
        if condition is not None and not condition.check(values):
            continue
        others = model._default_manager.filter(**values).exclude(pk=obj.pk)
        other = others.filter(condition).first() if condition else others.first()
        if other is None:
            continue
        # Name the clashing values, not the race or entry they are unique in.
        named = [field for field in fields if not field.is_relation] or fields
        what = " and ".join(
            f"{field.verbose_name} {getattr(obj, field.attname)}" for field in named
        )
        names = " and ".join(str(field.verbose_name) for field in named)
        raise Conflict(
            f"{label(obj)} {problem}: its {what} is now used by {label(other)}. "
            f"Change that one's {names} first."
        )


def _write(obj, reason: str, problem: str, *, insert: bool = False):
    """Save `obj` as it was, once nothing in the database stands in its way."""
    check_references(obj, problem)
    _check_unique(obj, problem)
    obj._change_reason = reason
    obj.save(force_insert=insert)


def _same(one, other) -> bool:
    return all(
        getattr(one, field.attname) == getattr(other, field.attname)
        for field in one._meta.concrete_fields
    )


def _deleted_with(record, child_model, *, since=None, include_existing=False):
    """Deletion records of `child_model` rows deleted together with `record`."""
    if since is None:
        earlier = (
            type(record)
            .objects.filter(
                id=record.id, history_type="-", history_date__lt=record.history_date
            )
            .order_by("-history_date")
            .first()
        )
        since = earlier.history_date if earlier is not None else None
    prefix = deleted_with_prefix(record.instance_type._meta.model_name, record.id)
    records = child_model.history.filter(
        history_type="-",
        history_change_reason__startswith=prefix,
        history_date__lte=record.history_date,
    )
    if since is not None:
        records = records.filter(history_date__gt=since)
    if not include_existing:
        records = records.exclude(id__in=child_model._default_manager.values("pk"))
    return records.order_by("history_date")


# What `delete_race` and `delete_entry` delete before the row itself.
DELETED_FIRST = {Race: [Entry, *RACE_PARTS], Entry: [*ENTRY_PARTS, Story]}


def _change_start(record, since) -> datetime.datetime:
    """When the change that `record` records began.

    A deletion deletes the rows deleted with it first, a moment earlier.
    """
    start = record.history_date
    if record.history_type == "-":
        for child_model in DELETED_FIRST.get(record.instance_type, []):
            children = _deleted_with(
                record, child_model, since=since, include_existing=True
            )
            for child in children:
                start = min(start, _change_start(child, since))
    return start


def version_end(record) -> datetime.datetime | None:
    """When the version `record` stopped being current; None if it still is."""
    later = (
        type(record)
        .objects.filter(id=record.id, history_date__gt=record.history_date)
        .order_by("history_date", "history_id")
        .first()
    )
    if later is None:
        return None
    return _change_start(later, since=record.history_date)


def _as_of(model, moment, **filters) -> dict:
    """The rows of `model` matching `filters` just before `moment` (None: now)."""
    if moment is None:
        rows = model._default_manager.filter(**filters)
    else:
        records = (
            model.history.filter(history_date__lt=moment)
            .latest_of_each()
            .exclude(history_type="-")
            .filter(**filters)
        )
        rows = (record.instance for record in records)
    return {row.pk: row for row in rows}


def reverted_reason(record) -> str:
    return f"Reverted to {record.history_date:%Y-%m-%d %H:%M}"


REVERT_PROBLEM = "can't go back"


def _give_up_unique_values(model, pks, **cleared):
    """Free the unique values of rows about to be reverted, so that rows can
    swap them; each row's history records its final values only."""
    temporary_slug = Concat(models.Value("reverting-"), Cast("pk", models.CharField()))
    model._default_manager.filter(pk__in=pks).update(slug=temporary_slug, **cleared)


def _revert_rows(model, moment, reason: str, **owner):
    """Make the rows of `model` belonging to `owner` what they were then."""
    then = _as_of(model, moment, **owner)
    now = {row.pk: row for row in model._default_manager.filter(**owner)}
    for pk, row in now.items():
        if pk not in then or not _same(row, then[pk]):
            _delete(row, reason)
    for pk, row in then.items():
        if pk not in now or not _same(now[pk], row):
            _write(row, reason, REVERT_PROBLEM, insert=True)


def _revert_entry_parts(entry_id, moment, reason: str):
    for model in ENTRY_PARTS:
        _revert_rows(model, moment, reason, entry_id=entry_id)


def _bring_back_story(entry_id, moment, reason: str):
    for story in _as_of(Story, moment, entry_id=entry_id).values():
        if not Story.objects.filter(pk=story.pk).exists():
            _write(story, reason, REVERT_PROBLEM, insert=True)


def _revert_entries(race_id, moment, reason: str):
    then = _as_of(Entry, moment, race_id=race_id)
    for entry in Entry.objects.filter(race_id=race_id).exclude(pk__in=then):
        delete_entry(entry, reason)
    existing = Entry.objects.in_bulk(then)
    changed = [pk for pk in existing if not _same(existing[pk], then[pk])]
    _give_up_unique_values(Entry, changed, position=None, grid=None, car_number="")
    for pk in changed:
        _write(then[pk], reason, REVERT_PROBLEM)
    for pk, entry in then.items():
        if pk not in existing:
            _write(entry, reason, REVERT_PROBLEM, insert=True)
            _bring_back_story(pk, moment, reason)
    for pk in then:
        _revert_entry_parts(pk, moment, reason)


def _revert_race_parts(race_id, moment, reason: str):
    _revert_entries(race_id, moment, reason)
    for model in RACE_PARTS:
        _revert_rows(model, moment, reason, race_id=race_id)


def _revert_points_scales(season_id, moment, reason: str):
    then = _as_of(PointsScale, moment, season_id=season_id)
    removed = list(PointsScale.objects.filter(season_id=season_id).exclude(pk__in=then))
    existing = PointsScale.objects.in_bulk(then)
    changed = [pk for pk in existing if not _same(existing[pk], then[pk])]
    # The removed scales are deleted below from these objects, loaded before
    # their slugs are freed, so that their history keeps their real slugs.
    _give_up_unique_values(PointsScale, changed + [scale.pk for scale in removed])
    for pk in changed:
        _write(then[pk], reason, REVERT_PROBLEM)
    for pk, scale in then.items():
        if pk not in existing:
            _write(scale, reason, REVERT_PROBLEM, insert=True)
    # Each race uses the scale it used then; a race added since leaves a
    # scale that is removed.
    races_then = _as_of(Race, moment, season_id=season_id)
    removed_pks = {scale.pk for scale in removed}
    for race in Race.objects.filter(season_id=season_id):
        if race.pk in races_then:
            link = races_then[race.pk].points_scale_id
        else:
            link = None if race.points_scale_id in removed_pks else race.points_scale_id
        if link != race.points_scale_id:
            race.points_scale_id = link
            _write(race, reason, REVERT_PROBLEM)
    for scale in removed:
        user = Race.objects.filter(points_scale=scale).first()
        if user is not None:
            raise Conflict(
                f"{label(scale)} can't be removed: {label(user)} uses it. "
                "Pick another scale for that race first."
            )
        _delete(scale, reason)


# The models a revert writes besides the row itself.
REVERTED_WITH = {
    Entry: [*ENTRY_PARTS],
    Race: [Entry, *ENTRY_PARTS, Story, *RACE_PARTS],
    Season: [PointsScale, Race],
}

PART_REVERTERS = {
    Entry: _revert_entry_parts,
    Race: _revert_race_parts,
    Season: _revert_points_scales,
}


@transaction.atomic
def revert_parts(record):
    """Bring back the parts of the row of `record` as they were in that version:
    an entry's crew, a race's cars with their crews, a season's points scales
    and the scale each race used.

    The row itself is reverted by the admin's revert form. Raises Conflict
    when a part cannot go back.
    """
    revert = PART_REVERTERS.get(record.instance_type)
    if revert is not None:
        revert(record.id, version_end(record), reverted_reason(record))


def parts_summary(record) -> str:
    """What reverting to `record` brings back besides the row, in words."""
    model = record.instance_type
    if model not in PART_REVERTERS:
        return ""
    moment = version_end(record)
    if model is Entry:
        crew = _as_of(Crew, moment, entry_id=record.id).values()
        crew = sorted(crew, key=lambda member: member.order)
        drivers = Driver.objects.in_bulk([member.driver_id for member in crew])
        names = [
            str(drivers.get(member.driver_id, "a deleted driver")) for member in crew
        ]
        summary = "Crew: " + " / ".join(names)
        links = _as_of(EntrySource, moment, entry_id=record.id).values()
        if links:
            sources = Source.objects.in_bulk([link.source_id for link in links])
            codes = sorted(
                sources[link.source_id].code
                if link.source_id in sources
                else "a deleted source"
                for link in links
            )
            summary += "; sources: " + ", ".join(codes)
        return summary
    if model is Race:
        return f"{len(_as_of(Entry, moment, race_id=record.id))} cars"
    scales = _as_of(PointsScale, moment, season_id=record.id).values()
    scales = sorted(scales, key=lambda scale: scale.name)
    return "; ".join(f"{scale.name}: {scale.points}" for scale in scales)


RESTORE_PROBLEM = "can't come back"


def _restore_one(record, reason: str):
    obj = record.instance
    _write(obj, reason, RESTORE_PROBLEM, insert=True)
    return obj


def restore(record):
    """Bring back a deleted race or entry with the rows deleted with it.

    Raises Conflict, having written nothing, when something stands in the way:
    its race was deleted, or its car number has been taken since.
    """
    try:
        with transaction.atomic():
            return _restore(record)
    except IntegrityError as error:
        raise Conflict.refused(record.instance, RESTORE_PROBLEM, error) from error


def _restore(record):
    reason = f"Restored from the deletion of {record.history_date:%Y-%m-%d %H:%M}"
    obj = _restore_one(record, reason)
    entry_records = [record] if isinstance(obj, Entry) else []
    if isinstance(obj, Race):
        entry_records = list(_deleted_with(record, Entry))
        for entry_record in entry_records:
            _restore_one(entry_record, reason)
        for model in RACE_PARTS:
            for child in _deleted_with(record, model):
                _restore_one(child, reason)
    for entry_record in entry_records:
        for model in (*ENTRY_PARTS, Story):
            for child in _deleted_with(entry_record, model):
                _restore_one(child, reason)
    return obj
