"""The editors' admin: one ModelAdmin per model of season data.

HistoryAdmin gives a model its history, revert and "Recently deleted" pages;
VersionCheckedAdmin refuses a stale save (races/editing.py). The race page
holds the whole classification as an inline, and its import page reads a
results file (races/importing.py, races/uploads.py).

The module is long because Django looks for every admin of the app here:
each class is short and declarative, and the logic they call lives in
races/history.py, races/editing.py, races/checks.py and races/importing.py.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from photos.inlines import PhotoInline

from . import gaps, history
from .checks import CarResult, classification_problems
from .editing import VersionCheckedForm, stale_message_lines
from .importing import ClassificationImport, classification_fingerprint, set_crew
from .models import (
    CarClass,
    CarModel,
    Circuit,
    ClassCount,
    ClassRegulation,
    Crew,
    Driver,
    Entry,
    EntrySource,
    Manufacturer,
    PointsScale,
    Race,
    RaceSource,
    Season,
    Source,
    Story,
    Team,
)
from .timing import format_time, parse_time
from .uploads import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    PENDING_IMPORT_SECONDS,
    PendingImport,
    RowError,
    forget_pending_import,
    keep_pending_import,
    megabytes,
    pending_import,
    read_table,
    size_problem,
)


class Labelled:
    """A row shown in the admin, named by history.label: its race or season
    may have been deleted, which its own __str__ cannot survive."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self):
        return history.label(self._obj)


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin for a model with history: who changed what, and one-click revert.

    Deleting goes through races.history, so that a deleted row comes back
    with the rows deleted with it from the "Recently deleted" page.
    """

    change_list_template = "admin/races/change_list_with_deleted.html"
    object_history_list_template = "admin/races/object_history_list.html"
    object_history_form_template = "admin/races/object_history_form.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{name}_deleted",
            ),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

    def delete_model(self, request, obj):
        self.delete_with_history(obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_with_history(obj)

    def delete_with_history(self, obj):
        obj.delete()

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Recently deleted {self.model._meta.verbose_name_plural}",
            "opts": self.model._meta,
            "records": [
                (record, history.label(record.instance))
                for record in history.deleted_records(self.model)
            ],
            "can_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/races/deleted_list.html", context)

    def restore_view(self, request, history_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        record = get_object_or_404(
            self.model.history.filter(history_type="-"), history_id=history_id
        )
        if self.model._default_manager.filter(pk=record.id).exists():
            label = history.label(record.instance)
            self.message_user(request, f"{label} is already back.")
        else:
            try:
                obj = history.restore(record)
            except history.Conflict as conflict:
                self.message_conflict(request, conflict)
                return redirect(self.admin_url("deleted"))
            self.message_user(
                request,
                f"{obj} is back, with what was deleted with it.",
                messages.SUCCESS,
            )
        return redirect(self.admin_url("changelist"))

    def admin_url(self, name):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}")

    def message_conflict(self, request, conflict):
        """Say what stands in the way, with a link to restore it if it can be."""
        message = conflict.message
        blocking = conflict.restore_first
        if self.admin_site.is_registered(blocking) and isinstance(
            self.admin_site.get_model_admin(blocking), HistoryAdmin
        ):
            opts = blocking._meta
            message = format_html(
                '{} <a href="{}">Restore the {} first</a>, then try again.',
                message,
                reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted"),
                opts.verbose_name,
            )
        message = format_html("{} Nothing was changed.", message)
        self.message_user(request, message, messages.ERROR)

    # Reverting: simple_history's revert form saves the row as it was; the
    # parts (crew, cars, points scales) follow in the same transaction.

    def has_revert_permission(self, request, obj=None) -> bool:
        """A revert changes the row and its parts: it takes the right to change
        both. Viewing history is not enough."""
        parts = history.REVERTED_WITH.get(self.model, [])
        return self.has_change_history_permission(request, obj) and (
            request.user.has_perms(
                f"{part._meta.app_label}.{action}_{part._meta.model_name}"
                for part in parts
                for action in ("add", "change", "delete")
            )
        )

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not (
            self.has_revert_permission(request, obj)
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        record = get_object_or_404(
            self.model.history, id=unquote(object_id), history_id=version_id
        )
        if request.method != "POST":
            parts = history.parts_summary(record)
            extra_context = {**(extra_context or {}), "parts": parts}
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )
        if self.revert_disabled(request, record.instance):
            raise PermissionDenied
        try:
            history.check_references(record.instance, history.REVERT_PROBLEM)
            with transaction.atomic():
                # Tells save_model that this save is a revert, and to which version.
                request.reverting_to = record
                return super().history_form_view(
                    request, object_id, version_id, extra_context
                )
        except history.Conflict as conflict:
            self.message_conflict(request, conflict)
        except IntegrityError as error:
            problem = history.REVERT_PROBLEM
            conflict = history.Conflict.refused(record.instance, problem, error)
            self.message_conflict(request, conflict)
        return redirect(request.path)

    def save_model(self, request, obj, form, change):
        record = getattr(request, "reverting_to", None)
        if record is not None:
            obj._change_reason = history.reverted_reason(record)
        super().save_model(request, obj, form, change)
        if record is not None:
            history.revert_parts(record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        # The one hook that sees the records of the history page: each also
        # shows what reverting to it brings back (an entry's crew, a race's
        # cars, a season's points scales), so crew changes show on the entry.
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            record.label = history.label(record.instance)
            record.parts = history.parts_summary(record)

    def render_history_view(self, request, template, context, **kwargs):
        for key in ("object", "original"):
            if key in context:
                context[key] = Labelled(context[key])
        return super().render_history_view(request, template, context, **kwargs)

    # Titles name the row with history.label: its race or season may have
    # been deleted.

    def history_view_title(self, request, obj):
        verb = "View" if self.revert_disabled(request, obj) else "Change"
        return f"{verb} history: {history.label(obj)}"

    def history_form_view_title(self, request, obj):
        verb = "View" if self.revert_disabled(request, obj) else "Revert"
        return f"{verb} {history.label(obj)}"


class VersionCheckedAdmin(admin.ModelAdmin):
    """A change form refused, with what changed, when its row (or a row of
    its inlines) was saved by someone else since it was opened."""

    form = VersionCheckedForm

    def render_change_form(self, request, context, *args, **kwargs):
        inline_forms = [
            form
            for inline in context.get("inline_admin_formsets", [])
            for form in inline.formset.forms
        ]
        lines, editors = stale_message_lines(context["adminform"].form, inline_forms)
        if lines:
            by = f" by {', '.join(sorted(editors))}" if editors else ""
            self.message_user(
                request,
                format_html(
                    "Not saved: this was changed{} after you opened it. What you "
                    "typed is still in the form below; fields you left alone now "
                    "show the new values. Check them, then save again.<ul>{}</ul>",
                    by,
                    format_html_join("", "<li>{}.</li>", ((line,) for line in lines)),
                ),
                messages.ERROR,
            )
        return super().render_change_form(request, context, *args, **kwargs)


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """Give every input of a tabular inline its own accessible name.

    A tabular inline shows its labels only as column headers, which leaves
    each input unnamed for screen readers; the column's label becomes the
    input's aria-label.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = field.widget
            # The admin wraps related-object selects; label the inner one too.
            for part in (widget, getattr(widget, "widget", None)):
                if part is not None:
                    part.attrs.setdefault("aria-label", str(field.label))


class TimingField(forms.DurationField):
    """A lap, race or gap time typed and shown as on a timing sheet:
    1:48.710, 2:45:13.916, or 1.4 for seconds."""

    default_error_messages = {
        "invalid": "Enter a time as on a timing sheet, e.g. 1:48.710 (minutes), "
        "2:45:13.916 (hours) or 1.4 (seconds)."
    }

    def prepare_value(self, value):
        if isinstance(value, datetime.timedelta):
            return format_time(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.timedelta):
            return value
        try:
            return parse_time(str(value))
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None


# Times of laps, races and gaps; a race's scheduled `duration` stays a duration.
TIMING_FIELDS = {"race_time", "gap_time", "pole_time", "fastest_lap_time"}


class NamedAutocompletesAdmin(admin.ModelAdmin):
    """Names each autocomplete box after its field for screen readers
    (static/js/admin-a11y.js copies the name onto the box select2 draws),
    which an empty box would otherwise lack."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.autocomplete_fields:
            inner = getattr(formfield.widget, "widget", formfield.widget)
            inner.attrs.setdefault("aria-label", str(formfield.label))
        return formfield


class TimingFieldsAdmin(admin.ModelAdmin):
    """Shows and reads TIMING_FIELDS as times on a timing sheet."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in TIMING_FIELDS:
            kwargs["form_class"] = TimingField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


EDITOR_NOTE_FIELDSET = (
    "Editors' note (never shown on the site)",
    {"fields": ["editor_note"]},
)


class PickedOnceFormSet(LabelledInlineFormSet):
    """Rows that each pick a different `picked` (a source, a class).

    Replaces Django's generic duplicate message with one naming what was
    picked twice.
    """

    picked = ""
    twice_message = ""

    def clean(self):
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            choice = data.get(self.picked)
            if choice is None:
                continue
            if choice in seen:
                raise ValidationError(self.twice_message.format(choice))
            seen.add(choice)


class SourceLinkFormSet(PickedOnceFormSet):
    picked = "source"
    twice_message = (
        "{} is picked twice. Cite each source once; put any remark in its note."
    )


class ClassCountFormSet(PickedOnceFormSet):
    picked = "car_class"
    twice_message = "{} has two rows. Give each class one row of counts."


class SourceLinkInline(admin.TabularInline):
    formset = SourceLinkFormSet
    extra = 0
    fields = ["source", "note"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class EntrySourceInline(SourceLinkInline):
    """The sources of one car's result."""

    model = EntrySource


class RaceSourceInline(SourceLinkInline):
    """The sources of the race's own facts."""

    model = RaceSource


class ClassCountInline(admin.TabularInline):
    """Cars entered and classified per class, as reported."""

    model = ClassCount
    formset = ClassCountFormSet
    extra = 0
    fields = ["car_class", "entries", "finishers"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("car_class")


class PointsScaleInline(admin.TabularInline):
    model = PointsScale
    form = VersionCheckedForm
    formset = LabelledInlineFormSet
    extra = 0
    fields = ["name", "slug", "points", "opened_version"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Season)
class SeasonAdmin(VersionCheckedAdmin, HistoryAdmin):
    list_display = [
        "year",
        "series_name",
        "minimum_distance_share",
        "is_team_best_car_only",
    ]
    search_fields = ["year", "series_name"]
    fieldsets = [
        (None, {"fields": ["year", "series_name", "source_note", "opened_version"]}),
        (
            "Points rules",
            {
                "fields": ["minimum_distance_share", "is_team_best_car_only"],
                "description": "How the championship is scored. The points for "
                "each class position are the season's points scales, below; each "
                "race names the scale it uses.",
            },
        ),
    ]
    inlines = [PointsScaleInline]

    def has_delete_permission(self, request, obj=None):
        # Reserved to administrators: see races.permissions.ADMINISTRATOR_ONLY.
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(PointsScale)
class PointsScaleAdmin(VersionCheckedAdmin, HistoryAdmin):
    list_display = ["name", "season", "points"]
    list_filter = ["season"]
    list_select_related = ["season"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Circuit)
class CircuitAdmin(HistoryAdmin):
    list_display = ["name", "city", "region", "country", "length_mi", "turns"]
    list_filter = ["country"]
    search_fields = ["name", "city", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CarClass)
class CarClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "display_order", "colour"]


@admin.register(ClassRegulation)
class ClassRegulationAdmin(admin.ModelAdmin):
    list_display = ["car_class", "season", "min_weight_kg", "power_max_hp"]
    list_filter = ["season", "car_class"]
    list_select_related = ["season", "car_class"]
    autocomplete_fields = ["example_cars"]


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CarModel)
class CarModelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "manufacturer", "slug"]
    list_filter = ["manufacturer"]
    list_select_related = ["manufacturer"]
    search_fields = ["name", "manufacturer__name"]
    autocomplete_fields = ["manufacturer"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class NationalityFilter(admin.SimpleListFilter):
    """Nationalities that are known, and drivers whose nationality is not."""

    title = "nationality"
    parameter_name = "nationality"
    NOT_STATED = "-"

    def lookups(self, request, model_admin):
        known = (
            Driver.objects.exclude(nationality="")
            .order_by("nationality")
            .values_list("nationality", flat=True)
            .distinct()
        )
        return [(value, value) for value in known] + [(self.NOT_STATED, "Not stated")]

    def queryset(self, request, queryset):
        if self.value() == self.NOT_STATED:
            return queryset.filter(nationality="")
        if self.value():
            return queryset.filter(nationality=self.value())
        return queryset


@admin.register(Driver)
class DriverAdmin(HistoryAdmin):
    list_display = ["last_name", "first_name", "nationality", "slug"]
    list_filter = [NationalityFilter]
    search_fields = ["first_name", "last_name", "slug"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


@admin.register(Source)
class SourceAdmin(VersionCheckedAdmin, HistoryAdmin):
    list_display = ["code", "title", "publisher", "url"]
    search_fields = ["code", "title", "publisher"]
    fields = [
        "code",
        "title",
        "publisher",
        "url",
        "other_urls",
        "gave",
        "opened_version",
    ]


class CrewInline(admin.TabularInline):
    model = Crew
    formset = LabelledInlineFormSet
    extra = 0
    autocomplete_fields = ["driver"]
    ordering = ["order"]


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's autocomplete, showing the chosen drivers in driving order."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(pk): index for index, pk in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), 0))
        return groups


class CrewField(forms.ModelMultipleChoiceField):
    """Drivers in the order they were picked, each at most once."""

    def clean(self, value):
        chosen = {str(driver.pk): driver for driver in super().clean(value)}
        drivers = []
        for pk in value or []:
            driver = chosen[str(pk)]
            if driver in drivers:
                raise ValidationError(
                    f"{driver} is listed twice; a driver is in a crew once."
                )
            drivers.append(driver)
        return drivers

    def has_changed(self, initial, data):
        # Order matters: the same drivers in another order is a change.
        if self.disabled:
            return False
        initial = [str(pk) for pk in self.prepare_value(initial or [])]
        return initial != [str(pk) for pk in data or []]


# Checked across all the cars of the race by EntryInlineFormSet, so that two
# cars can swap their numbers, places or grid slots in one save.
CROSS_CAR_FIELDS = {"slug", "car_number", "position", "grid"}


class EntryInlineForm(VersionCheckedForm):
    crew_drivers = CrewField(
        queryset=Driver.objects.all(),
        label="Drivers",
        widget=OrderedAutocompleteSelectMultiple(
            Entry._meta.get_field("drivers"), admin.site
        ),
        help_text="In driving order: pick the first driver first.",
        error_messages={"required": "Pick at least one driver."},
    )

    class Meta:
        model = Entry
        fields = [
            "position",
            "car_number",
            "slug",
            "car_class",
            "team",
            "car_model",
            "laps",
            "status",
            "reason",
            "grid",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["crew_drivers"] = [
                member.driver_id for member in self.instance.crew.all()
            ]

    def clean_position(self):
        position = self.cleaned_data["position"]
        if position == 0:
            raise ValidationError("Positions start at 1.")
        return position

    def _get_validation_exclusions(self):
        # The one place ModelForm decides which fields the database
        # constraints are checked on; see CROSS_CAR_FIELDS.
        return super()._get_validation_exclusions() | CROSS_CAR_FIELDS

    def save(self, commit=True):
        entry = super().save(commit=commit)
        if commit:
            set_crew(entry, self.cleaned_data["crew_drivers"])
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_crew():
                save_m2m()
                set_crew(entry, self.cleaned_data["crew_drivers"])

            self.save_m2m = save_m2m_and_crew
        return entry


class EntryInlineFormSet(LabelledInlineFormSet):
    """A race's classification, checked as a whole before anything is saved."""

    def clean(self):
        # Replaces Django's generic duplicate check with messages naming cars.
        cars = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            cars.append(CarResult.from_form(form))
        cars += [
            CarResult.from_entry(entry) for entry in self.cars_added_since_opened()
        ]
        problems = classification_problems(cars, is_complete=self.instance.is_complete)
        if problems:
            raise ValidationError([problem.message for problem in problems])

    def cars_added_since_opened(self):
        """The race's cars that this form does not show: added by someone else
        after it was opened. They keep their number, place and grid slot."""
        if self.instance.pk is None:
            return Entry.objects.none()
        shown = [form.instance.pk for form in self.initial_forms]
        return self.instance.entries.exclude(pk__in=shown).prefetch_related(
            "crew__driver"
        )

    def save_existing_objects(self, commit=True):
        if not commit:
            return super().save_existing_objects(commit)
        # Deleted cars go first and moved cars give up their number, place
        # and grid slot, so that cars can swap them. Each entry's history
        # records its final values only.
        deleted = [form.instance for form in self.deleted_forms if form.instance.pk]
        for entry in deleted:
            history.delete_entry(entry)
        moved = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and CROSS_CAR_FIELDS & set(form.changed_data)
        ]
        Entry.objects.filter(pk__in=moved).update(
            position=None, grid=None, car_number=""
        )
        saved = super().save_existing_objects(commit)
        self.deleted_objects = deleted
        return saved


class EntryInline(admin.TabularInline):
    """The classification in finishing order, each car with its crew."""

    model = Entry
    form = EntryInlineForm
    formset = EntryInlineFormSet
    extra = 0
    fields = [
        "position",
        "car_number",
        "slug",
        "car_class",
        "team",
        "car_model",
        "crew_drivers",
        "laps",
        "status",
        "reason",
        "grid",
        "opened_version",
    ]
    autocomplete_fields = ["team", "car_model"]
    show_change_link = True

    def get_queryset(self, request):
        # Each row is labelled with its race and season.
        return (
            super()
            .get_queryset(request)
            .select_related("race__season")
            .prefetch_related("crew")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "car_model":  # labelled with its manufacturer
            kwargs["queryset"] = CarModel.objects.select_related("manufacturer")
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "car_class":
            # The classes read once for every row of the race, not once a row.
            formfield.choices = list(formfield.choices)
        return formfield


class ImportResultsForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or Excel (.xlsx) with the columns of the season's "
        "results files: round, pos, class, class_pos, car_no, team, drivers, "
        "chassis, engine, tyre, laps, gap, status, grid, fastest_lap, src, xref. "
        f"At most {megabytes(IMPORT_MAX_BYTES)} and {IMPORT_MAX_ROWS} rows."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before the file is read.
        if problem := size_problem(upload.name, upload.size):
            raise ValidationError(problem)
        return upload


EXPIRED_PREVIEW = "This preview has expired or was changed; upload the file again."
STALE_PREVIEW = (
    "Another editor changed this race's classification after your preview, "
    "so nothing was imported. Check the new preview below and confirm again."
)


@admin.register(Race)
class RaceAdmin(
    NamedAutocompletesAdmin, TimingFieldsAdmin, VersionCheckedAdmin, HistoryAdmin
):
    list_display = [
        "round_number",
        "name",
        "season",
        "circuit",
        "held_on",
        "status",
        "completeness",
        "points_scale",
    ]
    list_display_links = ["name"]
    list_filter = ["season", "status", "completeness", "points_scale"]
    list_select_related = ["season", "circuit", "points_scale__season"]
    search_fields = ["name", "alternative_names", "circuit__name"]
    autocomplete_fields = ["circuit", "pole_driver", "fastest_lap_driver"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "season",
                    "round_number",
                    "name",
                    "short_name",
                    "slug",
                    "alternative_names",
                    "circuit",
                    "held_on",
                    "race_length",
                    "duration",
                    "distance_mi",
                    "points_scale",
                    "status",
                    "completeness",
                    "summary",
                    "source_note",
                    "opened_version",
                ]
            },
        ),
        (
            "Race facts",
            {
                "fields": [
                    "reported_starters",
                    "reported_entries",
                    "reported_finishers",
                    ("pole_car_number", "pole_driver", "pole_time"),
                    (
                        "fastest_lap_car_number",
                        "fastest_lap_driver",
                        "fastest_lap_time",
                    ),
                ],
                "description": "As the sources report them; leave a fact empty "
                "when no source gives it. Cite their sources under “Sources of "
                "the race facts” below, and the counts per class under "
                "“Reported counts per class”.",
            },
        ),
        EDITOR_NOTE_FIELDSET,
    ]
    inlines = [EntryInline, ClassCountInline, RaceSourceInline, PhotoInline]
    actions = ["mark_provisional", "mark_official"]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="races_race_import",
            ),
            path(
                "gaps/",
                self.admin_site.admin_view(self.gaps_view),
                name="races_race_gaps",
            ),
            *super().get_urls(),
        ]

    def gaps_view(self, request):
        """What each round lacks, most important first, linked to its edit
        pages (races/gaps.py)."""
        if not request.user.has_perm("races.view_entry"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Gaps: what each round still lacks",
            "opts": self.model._meta,
            "seasons": gaps.season_gaps(),
        }
        return TemplateResponse(request, "admin/races/race/gaps.html", context)

    def delete_with_history(self, obj):
        history.delete_race(obj)

    @admin.action(description="Mark selected races provisional", permissions=["change"])
    def mark_provisional(self, request, queryset):
        self.set_status(request, queryset, Race.Status.PROVISIONAL)

    @admin.action(description="Mark selected races official", permissions=["change"])
    def mark_official(self, request, queryset):
        self.set_status(request, queryset, Race.Status.OFFICIAL)

    def set_status(self, request, queryset, status):
        # One save per race, so that each race's history records the change.
        with transaction.atomic():
            for race in queryset:
                race.status = status
                race.save(update_fields=["status"])
        label = Race.Status(status).label.lower()
        self.message_user(
            request, f"{len(queryset)} race(s) marked {label}.", messages.SUCCESS
        )

    def has_import_permission(self, request, race) -> bool:
        return self.has_change_permission(request, race) and request.user.has_perms(
            ["races.add_entry", "races.change_entry", "races.delete_entry"]
        )

    def import_view(self, request, object_id):
        """Upload a results file, preview every row's errors, then import.

        The preview writes nothing. The file waits on the server for the
        confirm, under a token bound to the editor and the race; the confirm
        imports it only if the race's classification is still as previewed.
        """
        race = self.get_object(request, object_id)
        if race is None:
            return self._get_obj_does_not_exist_redirect(
                request, self.model._meta, object_id
            )
        if not self.has_import_permission(request, race):
            raise PermissionDenied
        form = ImportResultsForm()
        report = error = None
        token = filename = ""
        if request.method == "POST" and "_confirm" in request.POST:
            token = request.POST.get("token", "")
            pending = pending_import(token, user_id=request.user.pk, race_id=race.pk)
            if pending is None:
                error, token = EXPIRED_PREVIEW, ""
            else:
                filename = pending.filename
                report, error = self.confirm_import(race, pending)
                forget_pending_import(token)
                token = ""
                if report is not None and report.is_written:
                    self.message_user(
                        request,
                        f"Imported {pending.filename}: {report.summary}.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:races_race_change", race.pk)
                if report is not None and report.is_stale:
                    error = STALE_PREVIEW
                    report, _, token = self.preview_import(
                        request, race, pending.filename, pending.content
                    )
        elif request.method == "POST":
            form = ImportResultsForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                filename = upload.name
                report, error, token = self.preview_import(
                    request, race, filename, upload.read()
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import results: {race}",
            "opts": self.model._meta,
            "original": race,
            "form": form,
            "report": report,
            "error": error,
            "token": token,
            "filename": filename,
            "pending_minutes": PENDING_IMPORT_SECONDS // 60,
        }
        return TemplateResponse(
            request, "admin/races/race/import_results.html", context
        )

    def preview_import(self, request, race, filename: str, content: bytes):
        """(report, error, token) of a dry run; the token names the kept file."""
        try:
            rows = read_table(filename, content)
        except RowError as problem:
            return None, str(problem), ""
        fingerprint = classification_fingerprint(race)
        report = ClassificationImport(race, rows, source=filename).run(dry_run=True)
        if not report.is_valid:
            return report, None, ""
        token = keep_pending_import(
            PendingImport(
                user_id=request.user.pk,
                race_id=race.pk,
                filename=filename,
                content=content,
                fingerprint=fingerprint,
            )
        )
        return report, None, token

    def confirm_import(self, race, pending: PendingImport):
        """(report, error) of importing a previewed file."""
        try:
            rows = read_table(pending.filename, pending.content)
        except RowError as problem:
            return None, str(problem)
        importer = ClassificationImport(
            race, rows, source=pending.filename, fingerprint=pending.fingerprint
        )
        return importer.run(), None


class EntryAdminForm(VersionCheckedForm):
    """One car, checked together with the other cars of its race, as the
    race's own page checks them."""

    def clean(self):
        cleaned_data = super().clean()
        race = cleaned_data.get("race")
        if race is None:
            return cleaned_data
        others = race.entries.exclude(pk=self.instance.pk).prefetch_related(
            "crew__driver"
        )
        edited = CarResult.from_entry(
            self.instance,
            **{
                name: cleaned_data.get(name)
                for name in ("car_number", "slug", "position", "grid", "laps")
            },
        )
        cars = [CarResult.from_entry(entry) for entry in others] + [edited]
        problems = classification_problems(cars, is_complete=race.is_complete)
        if problems:
            raise ValidationError([problem.message for problem in problems])
        return cleaned_data


@admin.register(Entry)
class EntryAdmin(
    NamedAutocompletesAdmin, TimingFieldsAdmin, VersionCheckedAdmin, HistoryAdmin
):
    list_display = [
        "__str__",
        "position",
        "car_class",
        "team",
        "car_model",
        "crew_names",
        "laps",
        "status",
    ]
    list_filter = ["race__season", "race", "car_class", "status"]
    list_select_related = ["race__season", "car_class", "team", "car_model"]
    search_fields = [
        "car_number",
        "team__name",
        "crew__driver__last_name",
        "race__name",
    ]
    autocomplete_fields = ["race", "team", "car_model"]
    form = EntryAdminForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "race",
                    "slug",
                    "car_number",
                    "car_class",
                    "team",
                    "car_model",
                    "engine",
                    "tyre",
                    "opened_version",
                ]
            },
        ),
        (
            "Result",
            {
                "fields": [
                    "position",
                    "reported_class_position",
                    "laps",
                    "status",
                    "reason",
                    "grid",
                    "note",
                ]
            },
        ),
        (
            "Gap as the sources state it",
            {
                "fields": [
                    "race_time",
                    ("gap_laps", "gap_time"),
                    "is_gap_to_class_winner",
                ],
                "description": "Copied from a source: the race time on a "
                "winner's row, otherwise the gap in laps or in time. The race "
                "page works out “behind class leader” itself.",
            },
        ),
        EDITOR_NOTE_FIELDSET,
    ]
    inlines = [CrewInline, EntrySourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("crew__driver")

    def delete_with_history(self, obj):
        history.delete_entry(obj)

    @admin.display(description="crew")
    def crew_names(self, entry):
        return " / ".join(driver.last_name for driver in entry.crew_drivers)


@admin.register(Story)
class StoryAdmin(VersionCheckedAdmin, HistoryAdmin):
    list_display = ["headline", "race", "entry"]
    list_filter = ["entry__race"]
    list_select_related = ["entry__race__season"]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["entry"]

    @admin.display(ordering="entry__race")
    def race(self, story):
        return story.race
