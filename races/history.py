"""Change history of season data: deleting so that it can be undone.

django-simple-history keeps a historical row for every save and delete of
the models that have `history = HistoricalRecords()` (Season with its
points rules, PointsScale, Race, Entry, Crew, Story), with the editor who
made it (HistoryRequestMiddleware). The admin shows that history and
reverts a change in one click (races/admin.py, HistoryAdmin).

A deletion cascades: a race takes its entries, an entry its crew and
story. To undo one as a whole, the rows are deleted here one by one, each
with a change reason naming the row it was deleted with, and `restore`
brings back the row and everything deleted with it.

To keep the history of a new model (e.g. the points rules):

1. add `history = HistoricalRecords()` to the model;
2. register its admin as a subclass of `races.admin.HistoryAdmin`;
3. add the model to HISTORY_MODELS below;
4. run `manage.py makemigrations races`.

Its historical model is left out of fixtures/ by races.fixtures, and the
Editors group needs no extra permission: history is shown to whoever may
view the model and reverted by whoever may change it.
"""

from django.db import transaction

from .models import Crew, Entry, PointsScale, Race, Season, Story

HISTORY_MODELS = [Season, PointsScale, Race, Entry, Crew, Story]


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
    for member in entry.crew.all():
        _delete(member, children_reason)
    _delete(entry, reason)


@transaction.atomic
def delete_race(race: Race, reason: str = ""):
    """Delete a race with its entries, so that `restore` can undo it."""
    children_reason = deleted_with_reason(race)
    for entry in race.entries.all():
        delete_entry(entry, children_reason)
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


def _deleted_with(record, child_model):
    """Deletion records of `child_model` rows deleted together with `record`."""
    earlier = (
        type(record)
        .objects.filter(
            id=record.id, history_type="-", history_date__lt=record.history_date
        )
        .order_by("-history_date")
        .first()
    )
    prefix = deleted_with_prefix(record.instance._meta.model_name, record.id)
    records = child_model.history.filter(
        history_type="-",
        history_change_reason__startswith=prefix,
        history_date__lte=record.history_date,
    )
    if earlier is not None:
        records = records.filter(history_date__gt=earlier.history_date)
    existing = child_model._default_manager.values("pk")
    return records.exclude(id__in=existing).order_by("history_date")


def _restore_one(record, reason: str):
    obj = record.instance
    obj._change_reason = reason
    obj.save(force_insert=True)
    return obj


@transaction.atomic
def restore(record):
    """Bring back a deleted race or entry with the rows deleted with it."""
    reason = f"Restored from the deletion of {record.history_date:%Y-%m-%d %H:%M}"
    obj = _restore_one(record, reason)
    entry_records = [record] if isinstance(obj, Entry) else []
    if isinstance(obj, Race):
        entry_records = list(_deleted_with(record, Entry))
        for entry_record in entry_records:
            _restore_one(entry_record, reason)
    for entry_record in entry_records:
        for model in (Crew, Story):
            for child in _deleted_with(entry_record, model):
                _restore_one(child, reason)
    return obj
