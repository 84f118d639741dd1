"""Optimistic locking: a save from a form opened before another save is refused.

Each model that editors change through forms counts its saves
(`models.EditVersioned`). Its admin form carries the version it was opened
at in a hidden field. On save the row is locked (select_for_update on
PostgreSQL; SQLite's IMMEDIATE transactions already let one writer in at a
time) and its version compared, before anything is written. When the
version moved, the form is refused and shown again: fields the editor left
alone take the new values, fields the editor typed in keep what they typed,
and each change since the form was opened is named, read from the row's
history. The re-shown form carries the new version, so saving it again works.
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import transaction
from django.http import QueryDict
from django.utils.text import capfirst

from .models import Crew, Driver, Entry

STALE_ERROR = "Not saved: changed by someone else since you opened this form"


def row_label(obj) -> str:
    """How a row of an inline is named in messages: '#38' for a car."""
    if isinstance(obj, Entry):
        return f"#{obj.car_number}" if obj.car_number else obj.slug
    return str(obj)


def shown(value) -> str:
    return "empty" if value in (None, "") else f"“{value}”"


def field_display(obj, field) -> str:
    """A field's value as an editor reads it: labels of choices, names of rows."""
    if field.choices:
        return shown(getattr(obj, f"get_{field.name}_display")())
    try:
        return shown(getattr(obj, field.name))
    except ObjectDoesNotExist:  # a related row deleted since
        return shown(field.value_from_object(obj))


def crew_ids(members) -> list:
    return [member.driver_id for member in sorted(members, key=lambda m: m.order)]


def crew_display(driver_ids: list) -> str:
    drivers = Driver.objects.in_bulk(driver_ids)
    return shown(" / ".join(str(drivers[pk]) for pk in driver_ids if pk in drivers))


@dataclass
class Change:
    """A value that changed since a form was opened."""

    name: str  # the form field that shows it
    label: str
    then: object
    now: object
    then_shown: str
    now_shown: str

    @property
    def line(self) -> str:
        opened = f"you opened it with {self.then_shown}"
        return f"{self.label} is now {self.now_shown}; {opened}"


def comparable(value):
    """A value as an editor sees it: text sent back by a browser has CRLF line
    breaks, which is no change to the text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def changes_since(opened_record, current, names) -> list[Change]:
    """How `current` differs from its history record `opened_record`, in the
    fields `names` and, for a car, in its crew."""
    opened = opened_record.instance
    changes = []
    for name in names:
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        then, now = field.value_from_object(opened), field.value_from_object(current)
        if field.concrete and comparable(then) != comparable(now):
            changes.append(
                Change(
                    name,
                    capfirst(field.verbose_name),
                    then,
                    now,
                    field_display(opened, field),
                    field_display(current, field),
                )
            )
    if isinstance(current, Entry):
        then, now = crew_before_next_save(opened_record), crew_ids(current.crew.all())
        if then is not None and then != now:
            changes.append(
                Change(
                    "crew_drivers",
                    "Drivers",
                    then,
                    now,
                    crew_display(then),
                    crew_display(now),
                )
            )
    return changes


def crew_before_next_save(entry_record) -> list | None:
    """The car's crew as it was at `entry_record`.

    An edit saves the car before its crew, so this is the crew just before
    the car's next save.
    """
    next_record = entry_record.next_record
    if next_record is None:
        return None
    before = next_record.history_date - timedelta(microseconds=1)
    return crew_ids(Crew.history.as_of(before).filter(entry_id=entry_record.id))


class VersionCheckedForm(forms.ModelForm):
    """A model form refused when its row was saved by someone else meanwhile.

    For models with a history (races.history.HISTORY_MODELS), which tells
    what changed.
    """

    # Not named after the model field: a form cannot carry a non-editable field.
    opened_version = forms.IntegerField(
        label="Version when opened",
        widget=forms.HiddenInput,
        min_value=0,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when the save is refused: a line per change since opening.
        self.stale_changes: list[str] | None = None
        self.stale_editors: set[str] = set()
        if self.instance.pk is not None:
            self.initial["opened_version"] = self.version_now()

    def version_now(self) -> int:
        if hasattr(self.instance, "_history"):
            # A revert form shows an old record; it is opened over today's row.
            return self.instance.stored_edit_version()
        return self.instance.edit_version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and not self.instance._state.adding:
            self.check_not_stale(cleaned_data.get("opened_version"))
        return cleaned_data

    def check_not_stale(self, opened: int | None):
        rows = type(self.instance)._base_manager.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Held until this save commits; no_key lets rows that refer to
            # this one (a race's cars) be saved meanwhile.
            rows = rows.select_for_update(no_key=True)
        current = rows.first()
        if current is None or current.edit_version == opened:
            return
        history = current.history.order_by("history_id")
        self.stale_editors = {
            str(record.history_user)
            for record in history.filter(edit_version__gt=opened or 0)
            if record.history_user
        }
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = str(current.edit_version)
        opened_record = history.filter(edit_version=opened).last()
        if opened is None:
            self.stale_changes = ["the form did not say when it was opened"]
        elif opened_record is None:
            self.stale_changes = ["its history does not say what changed"]
        else:
            changes = changes_since(opened_record, current, self.fields)
            self.stale_changes = [
                self.take_change(data, change) for change in changes
            ] or ["no field of this form changed"]
        self.data = data
        self.add_error(
            None,
            forms.ValidationError(
                f"{STALE_ERROR}: {'; '.join(self.stale_changes)}.", code="stale"
            ),
        )

    def take_change(self, data, change: Change) -> str:
        """Show the change in its field unless the editor typed over it."""
        if change.name not in self.fields:
            return change.line
        bound = self[change.name]
        if bound.field.has_changed(change.then, bound.data):
            return f"{change.line}. You changed it too: your value is kept in the form"
        set_data(data, bound, change.now)
        return change.line


def set_data(data, bound, value):
    """Put a model value into posted form data, as the browser would send it."""
    key = bound.html_name
    value = bound.field.prepare_value(value)
    if isinstance(bound.field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list | tuple):
        values = [str(item) for item in value]
        if isinstance(data, QueryDict):
            data.setlist(key, values)
        else:
            data[key] = values
    else:
        data[key] = "" if value is None else str(value)


def stale_message_lines(main_form, inline_forms) -> tuple[list[str], set[str]]:
    """Every change since a refused form was opened, with the editors who made
    them."""
    lines, editors = [], set()
    for form in [main_form, *inline_forms]:
        if not getattr(form, "stale_changes", None):
            continue
        editors |= form.stale_editors
        prefix = "" if form is main_form else f"{row_label(form.instance)}: "
        lines += [f"{prefix}{line}" for line in form.stale_changes]
    return lines, editors
