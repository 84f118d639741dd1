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
from photos.gallery import card_photo, race_photos

from . import results, search
from .cards import race_card_png
from .models import CarClass, CarModel, Circuit, Driver, Race, Season, Team
from .printing import DEFAULT_PAPER, paper_from, pdf_response, render_pdf
from .tables import (
    ClassificationData,
    ResultsExportTable,
    ResultsPrintTable,
    ResultsTable,
    in_sheet_order,
)
from .text import xml_safe

CLASS_FILTER_PARAM = "class"


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
        context.update(results.standings_page(season))
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


class CoverageView(TemplateView):
    """What is known of each round of a season, and what would complete it."""

    template_name = "races/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = get_object_or_404(Season, year=self.kwargs["year"])
        context.update(results.coverage_page(season))
        return context


class HomeView(TemplateView):
    template_name = "races/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(results.home_page(Season.objects.first()))
        return context


class SeasonDetailView(TemplateView):
    template_name = "races/season_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        season = get_object_or_404(Season, year=self.kwargs["year"])
        context["season"] = season
        context["calendar"] = results.season_calendar(
            Race.objects.for_season(season.year).for_calendar()
        )
        return context


class RaceMixin:
    """The race named by the URL's year and slug, with its season, circuit and
    points scale."""

    context_object_name = "race"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Race.objects.for_detail(),
            season__year=self.kwargs["year"],
            slug=self.kwargs["slug"],
        )


class RaceDetailView(RaceMixin, DetailView):
    template_name = "races/race_detail.html"
    query_parameters = {CLASS_FILTER_PARAM: None, "sort": None}

    def get_object(self, queryset=None):
        race = get_object_or_404(
            Race.objects.for_detail().with_fact_drivers(),
            season__year=self.kwargs["year"],
            slug=self.kwargs["slug"],
        )
        return results.with_race_facts(race)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        race = self.object
        page = results.race_page(
            race, class_code=self.request.GET.get(CLASS_FILTER_PARAM, "")
        )
        selected = page["selected_class"]
        caption = f"{race.short_name} classification"
        if selected:
            caption += f", {selected} class only"
        if not race.is_complete:
            caption += " (partial: only the cars our sources name)"
        table = ResultsTable(
            ClassificationData(page["shown_rows"]),
            caption=caption,
            exclude=() if race.points_scale else ("points",),
            references=page["references"],
        )
        RequestConfig(self.request, paginate=False).configure(table)
        url = self.request.build_absolute_uri(race.get_absolute_url())
        context.update(
            page,
            table=table,
            class_filter_param=CLASS_FILTER_PARAM,
            current_sort=",".join(table.order_by) if table.order_by else "",
            structured_data=results.race_structured_data(
                race, page["winners"], url=url
            ),
            race_photos=race_photos(race),
        )
        return context


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
        sheet = results.race_sheet(race)
        caption = f"{race.short_name} {race.season.year} classification"
        if not race.is_complete:
            caption += " (partial: only the cars our sources name)"
        rows = in_sheet_order(sheet["rows"])
        # Numbered down the sheet, so the footnotes read in order.
        sources = results.cite_race_sources(rows, sheet["fact_links"])
        context.update(
            sheet,
            table=ResultsPrintTable(
                rows,
                caption=caption,
                references=sources.of_rows,
                exclude=() if race.points_scale else ("points",),
            ),
            sources=sources,
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
        rows = results.scored_classification(race)
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


class RegulationsView(TemplateView):
    template_name = "races/regulations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regulations"] = results.regulations()
        return context


class RegulationsPrintView(RegulationsView):
    """The class regulations as a print-friendly sheet without navigation."""

    template_name = "races/regulations_print.html"


class DriverListView(ListView):
    template_name = "races/driver_list.html"
    context_object_name = "drivers"

    def get_queryset(self):
        return Driver.objects.with_start_counts()


class CompetitorDetailView(DetailView):
    """A driver's or team's page: results, record and championships."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(results.competitor_record(self.object))
        return context


class DriverDetailView(CompetitorDetailView):
    model = Driver
    template_name = "races/driver_detail.html"


class TeamDetailView(CompetitorDetailView):
    model = Team
    template_name = "races/team_detail.html"


class CarModelDetailView(DetailView):
    model = CarModel
    template_name = "races/car_detail.html"

    def get_queryset(self):
        return CarModel.objects.for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(results.car_record(self.object))
        return context


class CircuitDetailView(DetailView):
    model = Circuit
    template_name = "races/circuit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["races"] = results.season_calendar(self.object.races.for_calendar())
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
    race = get_object_or_404(Race.objects.for_detail(), season__year=year, slug=slug)
    winners = results.race_winners(race)
    card = race_card_png(race, winners, photo=card_photo(race))
    return HttpResponse(card, content_type="image/png")


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
