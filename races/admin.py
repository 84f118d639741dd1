from django.contrib import admin

from .models import (
    CarClass,
    CarModel,
    Circuit,
    ClassRegulation,
    Crew,
    Driver,
    Entry,
    Manufacturer,
    PointsScale,
    Race,
    Season,
    Story,
    Team,
)


class PointsScaleInline(admin.TabularInline):
    model = PointsScale
    extra = 0
    fields = ["name", "slug", "points"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "series_name",
        "minimum_distance_share",
        "is_team_best_car_only",
    ]
    search_fields = ["year", "series_name"]
    fieldsets = [
        (None, {"fields": ["year", "series_name", "source_note"]}),
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


@admin.register(PointsScale)
class PointsScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "season", "points"]
    list_filter = ["season"]
    list_select_related = ["season"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Circuit)
class CircuitAdmin(admin.ModelAdmin):
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


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "nationality", "slug"]
    list_filter = ["nationality"]
    search_fields = ["first_name", "last_name", "slug"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


class CrewInline(admin.TabularInline):
    model = Crew
    extra = 0
    autocomplete_fields = ["driver"]
    ordering = ["order"]


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
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
    autocomplete_fields = ["team", "car_model"]
    show_change_link = True
    ordering = ["position", "slug"]


@admin.register(Race)
class RaceAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ["circuit"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
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
    inlines = [CrewInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("crew__driver")

    @admin.display(description="crew")
    def crew_names(self, entry):
        return " / ".join(driver.last_name for driver in entry.crew_drivers)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "race", "entry"]
    list_filter = ["race"]
    list_select_related = ["race__season", "entry__race__season"]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["race", "entry"]
