"""Rows found by their natural keys, remembered while fixtures load.

loaddata finds each foreign key's row by its natural key, and each row's
own natural key follows its foreign keys (an entry's race, the race's
season): five queries or more a row, most of them for the same few races
and seasons. Within `rows_remembered()` each row is looked up once.

Only a load into a database that nothing else changes meanwhile may use it
(load_fixtures loads into an empty database, in one transaction): a row
that is not found is not remembered, so rows the load creates are found
once they exist, but a row changed or deleted by someone else would not be
seen.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.constants import LOOKUP_SEP

_remembered: ContextVar[dict | None] = ContextVar("natural_key_rows", default=None)


@contextmanager
def rows_remembered():
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def find(queryset, values: tuple):
    """The row of `queryset`'s model whose natural key is `values`."""
    model = queryset.model
    lookups = dict(zip(model.NATURAL_KEY, values, strict=True))
    remembered = _remembered.get()
    if remembered is None:
        return queryset.get(**lookups)
    key = (model, values)
    if key not in remembered:
        row = queryset.get(**lookups)
        remembered[key] = remembered[(model, "pk", row.pk)] = row
    return remembered[key]


def follow(row, lookup: str):
    """The value at the end of `lookup` ("race__season__year"), going
    through foreign keys to rows already found where it can."""
    remembered = _remembered.get()
    value = row
    for name in lookup.split(LOOKUP_SEP):
        field = value._meta.get_field(name)
        if remembered is not None and field.many_to_one and not field.is_cached(value):
            known = remembered.get(
                (field.related_model, "pk", getattr(value, field.attname))
            )
            if known is not None:
                value = known
                continue
        value = getattr(value, name)
    return value
