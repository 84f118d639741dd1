"""Rows found by their natural keys, remembered while fixtures load.

loaddata finds each foreign key's row by its natural key, and each row's
own natural key follows its foreign keys (an entry's race, the race's
season): five queries or more a row, most of them for the same few races
and seasons. Within `rows_remembered()` each row is looked up once.

Only a load into a database that nothing else changes meanwhile may use it
(load_fixtures loads into an empty database, in one transaction): a row
changed or deleted by someone else would not be seen.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models.constants import LOOKUP_SEP
from django.db.models.signals import post_save


@dataclass
class Remembered:
    rows: dict = field(default_factory=dict)
    # Models whose every row is remembered: a key missing from `rows` names
    # no row, with no query to say so.
    complete: set = field(default_factory=set)

    def add(self, row, values: tuple) -> None:
        model = type(row)
        self.rows[(model, values)] = self.rows[(model, "pk", row.pk)] = row


_remembered: ContextVar[Remembered | None] = ContextVar(
    "natural_key_rows", default=None
)


@contextmanager
def rows_remembered(every_row_of: Iterable = ()):
    """Remember rows found by natural key. The models of `every_row_of`, in
    dependency order, are read whole up front, and their rows saved meanwhile
    are remembered as they are created: a load into an empty database asks
    no query to learn that a row is new."""
    remembered = Remembered()
    token = _remembered.set(remembered)

    def remember_created(sender, instance, created, **kwargs):
        if created and sender in remembered.complete:
            remembered.add(instance, instance.natural_key())

    post_save.connect(remember_created, weak=False)
    try:
        for model in every_row_of:
            if not getattr(model, "NATURAL_KEY", ()):
                continue
            for row in model._default_manager.all():
                remembered.add(row, row.natural_key())
            remembered.complete.add(model)
        yield
    finally:
        post_save.disconnect(remember_created)
        _remembered.reset(token)


def find(queryset, values: tuple):
    """The row of `queryset`'s model whose natural key is `values`."""
    model = queryset.model
    lookups = dict(zip(model.NATURAL_KEY, values, strict=True))
    remembered = _remembered.get()
    if remembered is None:
        return queryset.get(**lookups)
    key = (model, values)
    if key not in remembered.rows:
        if model in remembered.complete:
            raise model.DoesNotExist(f"No {model.__name__} with the key {values}.")
        remembered.add(queryset.get(**lookups), values)
    return remembered.rows[key]


def follow(row, lookup: str):
    """The value at the end of `lookup` ("race__season__year"), going
    through foreign keys to rows already found where it can."""
    remembered = _remembered.get()
    value = row
    for name in lookup.split(LOOKUP_SEP):
        field = value._meta.get_field(name)
        if remembered is not None and field.many_to_one and not field.is_cached(value):
            known = remembered.rows.get(
                (field.related_model, "pk", getattr(value, field.attname))
            )
            if known is not None:
                value = known
                continue
        value = getattr(value, name)
    return value
