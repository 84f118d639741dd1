"""The simple fields a fan may name, and applying a proposed value to one.

A simple field holds one plain value (a number, a short text, a choice), so
an editor can accept a proposed value for it in one step. It is applied
through the model's `full_clean` and `save`, under a row lock and a version
check (races/editing.py), and recorded in the row's history with the change
reason "from correction #N". A race's cars are checked together, as the
race's admin page checks them (races/checks.py).

Models without a change history (drivers and circuits, for now) are listed
too, so fans can name the field, but an editor applies those by hand: a
change nobody could revert or show in the changelog is not made in one step.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from races.checks import CarResult, classification_problems
from races.editing import STALE_ERROR, field_display
from races.history import has_history
from races.models import Circuit, Driver, Entry, Race

SIMPLE_FIELDS = {
    Entry: ["car_number", "laps", "grid", "tyre", "engine", "reason"],
    Race: ["held_on", "reported_starters", "distance_mi"],
    Driver: ["first_name", "nationality"],
    Circuit: ["length_mi", "turns"],
}
CHANGE_REASON = "from correction #{number}"


def field_choices(model) -> list[tuple[str, str]]:
    """(name, label) of the simple fields of `model`."""
    return [
        (name, capfirst(model._meta.get_field(name).verbose_name))
        for name in SIMPLE_FIELDS.get(model, [])
    ]


def field_label(model, name: str) -> str:
    return dict(field_choices(model)).get(name, "")


def is_one_step(obj, name: str) -> bool:
    """Whether a proposed value for this field can be applied by one click."""
    model = type(obj)
    return name in SIMPLE_FIELDS.get(model, []) and has_history(model)


def current_value(obj, name: str) -> str:
    """The field's value now, as an editor reads it ('empty', '“16”')."""
    if obj is None or not name:
        return ""
    return field_display(obj, obj._meta.get_field(name))


def to_value(obj, name: str, text: str):
    """The model value for a proposed text; ValidationError when it is not one.

    A choice may be given by its code or its label ("M" or "Michelin").
    """
    field = obj._meta.get_field(name)
    text = text.strip()
    if field.choices:
        for code, label in field.flatchoices:
            if text.casefold() in (str(code).casefold(), str(label).casefold()):
                return code
        raise ValidationError(
            "Give one of: %(labels)s.",
            params={"labels": ", ".join(str(label) for _, label in field.flatchoices)},
        )
    if text == "" and field.null:
        return None
    value = field.to_python(text)
    field.run_validators(value)
    return value


class Refused(Exception):
    """A proposed value the data's rules refuse: the message says why."""


def apply(obj, name: str, text: str, *, number: int, opened_version: int | None):
    """Set the field to the proposed value, checked and recorded in history.

    Raises Refused, having written nothing, when the value breaks a rule or
    the row was saved by someone else since the editor opened the suggestion.
    """
    model = type(obj)
    with transaction.atomic():
        rows = model._base_manager.filter(pk=obj.pk)
        if transaction.get_connection().features.has_select_for_update:
            rows = rows.select_for_update(no_key=True)
        row = rows.first()
        if row is None:
            raise Refused(f"{obj} was deleted since the suggestion was sent.")
        if opened_version is not None and row.edit_version != opened_version:
            now = current_value(row, name)
            raise Refused(f"{STALE_ERROR}: {field_label(model, name)} is now {now}.")
        try:
            setattr(row, name, to_value(row, name, text))
            row.full_clean()
            if isinstance(row, Entry):
                check_race(row)
        except ValidationError as error:
            raise Refused(" ".join(error.messages)) from error
        row._change_reason = CHANGE_REASON.format(number=number)
        row.save()
    return row


def check_race(entry: Entry) -> None:
    """The car checked with the other cars of its race (no number, place or
    grid slot twice, no more laps than the winner)."""
    others = entry.race.entries.exclude(pk=entry.pk).prefetch_related("crew__driver")
    cars = [CarResult.from_entry(other) for other in others]
    cars.append(CarResult.from_entry(entry))
    problems = classification_problems(cars, is_complete=entry.race.is_complete)
    if problems:
        raise ValidationError([problem.message for problem in problems])
