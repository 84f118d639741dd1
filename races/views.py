from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.generic import DetailView, TemplateView
from django_tables2 import RequestConfig

from . import classification
from .models import (
    CarClass,
    CarModel,
    Circuit,
    Driver,
    Entry,
    Race,
    Season,
    Team,
)
from .tables import ClassificationData, ResultsTable

CLASS_FILTER_PARAM = "class"


class HomeView(TemplateView):
    template_name = "races/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = Season.objects.first()
        context["season"] = season
        context["calendar"] = season_calendar(season) if season else []
        return context


class SeasonDetailView(TemplateView):
    template_name = "races/season_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = get_object_or_404(Season, year=self.kwargs["year"])
        context["season"] = season
        context["calendar"] = season_calendar(season)
        return context


def season_calendar(season) -> list[dict]:
    """Each race of the season with its known class winners."""
    races = list(Race.objects.for_season(season.year).for_calendar())
    entries = Entry.objects.filter(race__in=races).for_results_table()
    rows_by_race = classification.classify_by_race(entries)
    return [
        {
            "race": race,
            "winners": classification.class_winners(rows_by_race.get(race.pk, [])),
        }
        for race in races
    ]


class RaceDetailView(DetailView):
    template_name = "races/race_detail.html"
    context_object_name = "race"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Race.objects.select_related("season", "circuit"),
            season__year=self.kwargs["year"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        race = self.object
        rows = classification.classify(race.entries.for_results_table())
        classes = CarClass.objects.all()
        selected = self.request.GET.get(CLASS_FILTER_PARAM, "")
        if selected not in {car_class.code for car_class in classes}:
            selected = ""
        shown = [r for r in rows if not selected or r.entry.car_class.code == selected]
        table = ResultsTable(ClassificationData(shown))
        RequestConfig(self.request, paginate=False).configure(table)
        context.update(
            rows=rows,
            table=table,
            classes=classes,
            selected_class=selected,
            class_filter_param=CLASS_FILTER_PARAM,
            current_sort=",".join(table.order_by) if table.order_by else "",
            podiums=classification.podiums(rows),
            stories=[row for row in rows if hasattr(row.entry, "story")],
            grid=sorted(
                (row for row in rows if row.entry.grid), key=lambda r: r.entry.grid
            ),
            field=classification.count_field(race, rows),
        )
        return context


class DriverDetailView(DetailView):
    model = Driver
    template_name = "races/driver_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = results_of(entries__crew__driver=self.object)
        return context


class TeamDetailView(DetailView):
    model = Team
    template_name = "races/team_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = results_of(entries__team=self.object)
        return context


class CarModelDetailView(DetailView):
    model = CarModel
    template_name = "races/car_detail.html"

    def get_queryset(self):
        return CarModel.objects.select_related("manufacturer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = results_of(entries__car_model=self.object)
        return context


class CircuitDetailView(DetailView):
    model = Circuit
    template_name = "races/circuit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        races = list(self.object.races.for_calendar())
        entries = Entry.objects.filter(race__in=races).for_results_table()
        rows_by_race = classification.classify_by_race(entries)
        context["races"] = [
            {
                "race": race,
                "winners": classification.class_winners(rows_by_race.get(race.pk, [])),
            }
            for race in races
        ]
        return context


def results_of(**race_filter) -> list[classification.ClassifiedEntry]:
    """The classified rows, in calendar order, of the entries matching a filter.

    The filter selects races (e.g. entries__team=team); every entry of those
    races is classified so class positions are right, then only the matching
    entries are kept.
    """
    races = Race.objects.filter(**race_filter).distinct()
    entry_filter = {
        key.removeprefix("entries__"): value for key, value in race_filter.items()
    }
    matching = set(
        Entry.objects.filter(race__in=races, **entry_filter).values_list(
            "pk", flat=True
        )
    )
    entries = Entry.objects.filter(race__in=races).for_results_table()
    rows_by_race = classification.classify_by_race(entries)
    rows = [
        row
        for race_rows in rows_by_race.values()
        for row in race_rows
        if row.entry.pk in matching
    ]
    rows.sort(key=lambda row: (row.entry.race.season.year, row.entry.race.round_number))
    return rows


def class_colours_css(request):
    """Each class's admin-chosen colour as a CSS custom property."""
    css = render_to_string(
        "races/class_colours.css", {"classes": CarClass.objects.all()}
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")
