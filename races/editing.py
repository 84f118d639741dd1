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

from datetime import timedelta

from django import forms
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import transaction
from django.http import QueryDict

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


class VersionCheckedForm(forms.ModelForm):
    """A model form refused when its row was saved by someone else meanwhile."""

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
            rows = rows.select_for_update()  # held until this save commits
        current = rows.first()
        if current is None or current.edit_version == opened:
            return
        history = current.history.order_by("history_id")
        opened_record = history.filter(edit_version=opened).last()
        later = history.filter(edit_version__gt=opened or 0)
        self.stale_editors = {
            str(record.history_user) for record in later if record.history_user
        }
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = str(current.edit_version)
        if opened_record is None:
            self.stale_changes = ["it changed in ways its history does not show"]
        else:
            next_record = later.first()
            self.stale_changes = self.take_changes(
                data, opened_record.instance, current, next_record
            )
        self.data = data
        self.add_error(
            None,
            forms.ValidationError(
                f"{STALE_ERROR}: {'; '.join(self.stale_changes)}.", code="stale"
            ),
        )

    def take_changes(self, data, opened, current, next_record) -> list[str]:
        """Describe what changed since `opened`, and show it in the fields the
        editor left alone."""
        lines = []
        for name in self.fields:
            try:
                field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or name == "edit_version":
                continue
            then = field.value_from_object(opened)
            now = field.value_from_object(current)
            if then != now:
                lines.append(
                    self.change_line(
                        data,
                        name,
                        then,
                        now,
                        field_display(current, field),
                        field_display(opened, field),
                    )
                )
        if isinstance(current, Entry) and next_record is not None:
            before = next_record.history_date - timedelta(microseconds=1)
            then = crew_ids(Crew.history.as_of(before).filter(entry_id=current.pk))
            now = crew_ids(current.crew.all())
            if then != now:
                lines.append(
                    self.change_line(
                        data,
                        "crew_drivers",
                        then,
                        now,
                        crew_display(now),
                        crew_display(then),
                    )
                )
        return lines or ["no field of this form changed"]

    def change_line(self, data, name, then, now, now_shown, then_shown) -> str:
        label = self[name].label if name in self.fields else name.replace("_", " ")
        line = f"{label} is now {now_shown}; you opened it with {then_shown}"
        if name not in self.fields:
            return line
        bound = self[name]
        if bound.field.has_changed(then, bound.data):
            return f"{line}. You changed it too: your value is kept in the form"
        set_data(data, bound, now)
        return line


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
