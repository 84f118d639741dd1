from collections import defaultdict

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from almsweb.renders import bounded_render

from . import charts, classification, search, standings
from .cards import race_card_png
from .models import (
    CarClass,
    CarModel,
    Circuit,
    ClassRegulation,
    Driver,
    Entry,
    Race,
    Season,
    Team,
)
from .printing import DEFAULT_PAPER, paper_from, pdf_response, render_pdf
from .tables import (
    ClassificationData,
    ResultsExportTable,
    ResultsPrintTable,
    ResultsTable,
)
from .text import xml_safe

CLASS_FILTER_PARAM = "class"


def season_calendar(races) -> list[dict]:
    """Each race with its known class winners, in calendar order."""
    races = list(races)
    entries = Entry.objects.filter(race__in=races).for_results_table()
    return calendar_items(races, classification.classify_by_race(entries))


def calendar_items(races, rows_by_race) -> list[dict]:
    return [
        {
            "race": race,
            "winners": classification.class_winners(rows_by_race.get(race.pk, [])),
        }
        for race in races
    ]


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


def season_results(year: int) -> tuple[list[Race], dict]:
    """The season's races in calendar order and their classified rows by race."""
    races = list(Race.objects.for_season(year).for_calendar())
    entries = Entry.objects.filter(race__in=races).for_results_table()
    return races, classification.classify_by_race(entries)


def class_charts(class_standings: list[standings.ClassStandings]) -> list[dict]:
    """Each class's standings with the progression chart of its leaders."""
    items = []
    for item in class_standings:
        lines = standings.progression(standings=item.drivers)
        chart = charts.progression_chart(
            lines=lines,
            round_labels=[f"R{race.round_number}" for race in item.races],
        )
        items.append({"standings": item, "lines": lines, "chart": chart})
    return items


def championships_of(competitor: Driver | Team, results) -> list[dict]:
    """The competitor's place in each season and class they raced in.

    Each item has the class standings, the competitor's standing and the
    rounds they took part in as (race, round result) pairs.
    """
    years = sorted({row.entry.race.season.year for row in results})
    found = []
    for year in years:
        races, rows_by_race = season_results(year)
        table = standings.season_standings(races=races, rows_by_race=rows_by_race)
        for class_standings, standing in standings.find_standings(
            season_standings=table, competitor=competitor
        ):
            rounds = [
                (race, result)
                for race, result in zip(
                    class_standings.races, standing.rounds, strict=True
                )
                if result
            ]
            field = (
                class_standings.drivers
                if isinstance(competitor, Driver)
                else class_standings.teams
            )
            found.append(
                {
                    "year": year,
                    "standings": class_standings,
                    "standing": standing,
                    "rounds": rounds,
                    "field_size": len(field),
                }
            )
    return found


class PdfMixin:
    """Render a print view's template as a PDF: A4, or US Letter with
    ?paper=letter. Subclasses name the file with `pdf_file_name(variant)`."""

    landscape = False
    # The page cache keeps one PDF per paper size, whatever else the URL says.
    query_parameters = {"paper": paper_from}

    def render_to_response(self, context, **response_kwargs):
        paper = paper_from(self.request.GET.get("paper"))
        pdf = render_pdf(
            self.template_name,
            context,
            request=self.request,
            paper=paper,
            landscape=self.landscape,
        )
        variant = "" if paper == DEFAULT_PAPER else paper
        return pdf_response(pdf, self.pdf_file_name(variant))


class StandingsView(TemplateView):
    template_name = "races/standings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = get_object_or_404(Season, year=self.kwargs["year"])
        races, rows_by_race = season_results(season.year)
        counting = [race for race in races if race.points_scale]
        scales = {}
        for race in counting:
            scales.setdefault(race.points_scale, []).append(race)
        context.update(
            season=season,
            races=counting,
            partial_races=[race for race in counting if not race.is_complete],
            scales=sorted(scales.items(), key=lambda item: item[1][0].round_number),
            classes=class_charts(
                standings.season_standings(races=races, rows_by_race=rows_by_race)
            ),
        )
        return context


class StandingsPrintView(StandingsView):
    """The championship tables as a print-friendly sheet without navigation."""

    template_name = "races/standings_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["generated_at"] = timezone.now()
        return context


@method_decorator(bounded_render, name="dispatch")
class StandingsPdfView(PdfMixin, StandingsPrintView):
    """The championship tables as a PDF, landscape for the round columns."""

    landscape = True

    def pdf_file_name(self, variant: str) -> str:
        name = f"alms-{self.kwargs['year']}-standings"
        return f"{name}-{variant}.pdf" if variant else f"{name}.pdf"


class HomeView(TemplateView):
    template_name = "races/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = Season.objects.first()
        calendar, leaders = [], []
        if season:
            races, rows_by_race = season_results(season.year)
            calendar = calendar_items(races, rows_by_race)
            leaders = standings.season_standings(races=races, rows_by_race=rows_by_race)
        reported = [item["race"] for item in calendar if item["race"].summary]
        context.update(
            season=season,
            calendar=calendar,
            class_wins=classification.class_win_tallies(calendar),
            leaders=[item for item in leaders if item.leaders],
            latest_report=reported[-1] if reported else None,
            classes=CarClass.objects.all(),
        )
        return context


class SeasonDetailView(TemplateView):
    template_name = "races/season_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = get_object_or_404(Season, year=self.kwargs["year"])
        context["season"] = season
        context["calendar"] = season_calendar(
            Race.objects.for_season(season.year).for_calendar()
        )
        return context


class RaceMixin:
    """The race named by the URL's year and slug, with its season, circuit and
    points scale."""

    context_object_name = "race"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Race.objects.select_related("season", "circuit", "points_scale"),
            season__year=self.kwargs["year"],
            slug=self.kwargs["slug"],
        )


def scored_classification(race) -> list[classification.ClassifiedEntry]:
    """The race's classification in official order, each row with its points."""
    rows = classification.classify(race.entries.for_results_table())
    return standings.award_points(race=race, rows=rows)


class RaceDetailView(RaceMixin, DetailView):
    template_name = "races/race_detail.html"
    query_parameters = {CLASS_FILTER_PARAM: None, "sort": None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        race = self.object
        rows = scored_classification(race)
        classes = list(CarClass.objects.all())
        selected = self.request.GET.get(CLASS_FILTER_PARAM, "")
        if selected not in {car_class.code for car_class in classes}:
            selected = ""
        shown = [r for r in rows if not selected or r.entry.car_class.code == selected]
        caption = f"{race.short_name} classification"
        if selected:
            caption += f", {selected} class only"
        if not race.is_complete:
            caption += " (partial: only the cars our sources name)"
        table = ResultsTable(
            ClassificationData(shown),
            caption=caption,
            exclude=() if race.points_scale else ("points",),
        )
        RequestConfig(self.request, paginate=False).configure(table)
        winners = classification.class_winners(rows)
        context.update(
            rows=rows,
            shown_rows=shown,
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
            points_notes=points_notes(shown),
            structured_data=race_structured_data(self.request, race, winners),
        )
        return context


def points_notes(rows) -> list[str]:
    """The kinds of non-obvious scores among the rows, explained once each."""
    notes = []
    scores = [row.score for row in rows if row.score]
    if any(not s.is_verified for s in scores):
        notes.append(
            "* Laps unknown: points follow the class position our sources "
            "state, but the minimum distance could not be checked."
        )
    short = [s for s in scores if s.outcome == standings.Outcome.TOO_SHORT]
    if short:
        notes.append(
            f"Under {short[0].share_label}: the car covered less than "
            f"{short[0].share_label} of its class winner's laps, so it scores no "
            "points."
        )
    if any(not s.is_known for s in scores):
        notes.append(
            "Points shown as “–” are unknown because the car's class position "
            "is unknown."
        )
    return notes


def sheet_file_name(race, extension: str, variant: str = "") -> str:
    """E.g. 'alms-2004-r02-mid-ohio-results.pdf' or '...-results-letter.pdf'."""
    name = f"alms-{race.season.year}-r{race.round_number:02d}-{race.slug}-results"
    if variant:
        name += f"-{variant}"
    return f"{name}.{extension}"


class RaceResultsPrintView(RaceMixin, DetailView):
    """The classification sheet as a print-friendly page without navigation."""

    template_name = "races/race_results_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        race = self.object
        rows = scored_classification(race)
        caption = f"{race.short_name} {race.season.year} classification"
        if not race.is_complete:
            caption += " (partial: only the cars our sources name)"
        context.update(
            table=ResultsPrintTable(
                classification.in_sheet_order(rows),
                caption=caption,
                exclude=() if race.points_scale else ("points",),
            ),
            points_notes=points_notes(rows),
            field=classification.count_field(race, rows),
            noted_rows=[row for row in rows if row.entry.note],
            generated_at=timezone.now(),
        )
        return context


@method_decorator(bounded_render, name="dispatch")
class RaceResultsPdfView(PdfMixin, RaceResultsPrintView):
    """The classification sheet as a PDF."""

    def pdf_file_name(self, variant: str) -> str:
        return sheet_file_name(self.object, "pdf", variant)


@method_decorator(bounded_render, name="dispatch")
class RaceResultsExportView(RaceMixin, DetailView):
    """The classification as CSV, XLSX or JSON (see README for the columns)."""

    def render_to_response(self, context, **response_kwargs):
        race = self.object
        rows = scored_classification(race)
        table = ResultsExportTable(
            rows,
            exclude=() if race.points_scale else ("points",),
            export_format=self.kwargs["format"],
        )
        # Excel's limit is 31 characters; the title is XML inside the file.
        title = xml_safe(f"{race.short_name} {race.season.year}")[:31]
        export = TableExport(
            self.kwargs["format"], table, dataset_kwargs={"title": title}
        )
        return export.response(sheet_file_name(race, self.kwargs["format"]))


def race_structured_data(request, race, winners) -> dict:
    """schema.org SportsEvent for the race page."""
    data = {
        "@context": "https://schema.org",
        "@type": "SportsEvent",
        "name": race.name,
        "url": request.build_absolute_uri(race.get_absolute_url()),
        "sport": "Sports car racing",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {
            "@type": "Place",
            "name": race.circuit.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": race.circuit.city,
                "addressRegion": race.circuit.region,
                "addressCountry": race.circuit.country,
            },
        },
        "superEvent": {"@type": "SportsEvent", "name": str(race.season)},
    }
    if race.held_on:
        data["startDate"] = race.held_on.isoformat()
    if winners:
        data["winner"] = [
            {"@type": "Person", "name": driver.full_name}
            for row in winners
            for driver in row.drivers
        ]
    return data


class RegulationsView(TemplateView):
    template_name = "races/regulations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regulations = list(ClassRegulation.objects.for_regulations_page())
        raced = defaultdict(list)
        for car in CarModel.objects.raced_by_class():
            raced[(car.season_year, car.class_code)].append(car)
        for regulation in regulations:
            regulation.raced_cars = raced[
                (regulation.season.year, regulation.car_class.code)
            ]
        context["regulations"] = regulations
        return context


class RegulationsPrintView(RegulationsView):
    """The class regulations as a print-friendly sheet without navigation."""

    template_name = "races/regulations_print.html"


class DriverListView(ListView):
    template_name = "races/driver_list.html"
    context_object_name = "drivers"

    def get_queryset(self):
        return Driver.objects.with_start_counts()


class DriverDetailView(DetailView):
    model = Driver
    template_name = "races/driver_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = results_of(entries__crew__driver=self.object)
        context["results"] = results
        context["summary"] = classification.summarise(results)
        context["championships"] = championships_of(self.object, results)
        return context


class TeamDetailView(DetailView):
    model = Team
    template_name = "races/team_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = results_of(entries__team=self.object)
        context["results"] = results
        context["summary"] = classification.summarise(results)
        context["championships"] = championships_of(self.object, results)
        return context


class CarModelDetailView(DetailView):
    model = CarModel
    template_name = "races/car_detail.html"

    def get_queryset(self):
        return CarModel.objects.select_related("manufacturer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = results_of(entries__car_model=self.object)
        context["results"] = results
        context["summary"] = classification.summarise(results)
        context["regulations"] = ClassRegulation.objects.filter(
            example_cars=self.object
        ).select_related("car_class", "season")
        return context


class CircuitDetailView(DetailView):
    model = Circuit
    template_name = "races/circuit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["races"] = season_calendar(self.object.races.for_calendar())
        return context


class SearchView(TemplateView):
    template_name = "races/search.html"
    query_parameters = {"q": None}

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        context = self.get_context_data(query=query, **kwargs)
        if len(query) > search.MAX_QUERY_LENGTH:
            context["error"] = (
                f"Please search with at most {search.MAX_QUERY_LENGTH} characters."
            )
            return self.render_to_response(context, status=400)
        context["results"] = search.search(query)
        return self.render_to_response(context)


@bounded_render
def race_card(request, year, slug):
    """The race's share card (Open Graph image) as a PNG."""
    race = get_object_or_404(
        Race.objects.select_related("season", "circuit"), season__year=year, slug=slug
    )
    winners = classification.class_winners(
        classification.classify(race.entries.for_results_table())
    )
    return HttpResponse(race_card_png(race, winners), content_type="image/png")


def class_colours_css(request):
    """Each class's admin-chosen colour as a CSS custom property."""
    css = render_to_string(
        "races/class_colours.css", {"classes": CarClass.objects.all()}
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    body = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {sitemap_url}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
