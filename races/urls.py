from django.urls import path, register_converter

from . import feeds, views


class ExportFormatConverter:
    """The file formats a classification can be exported in."""

    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "export_format")

app_name = "races"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("classes/", views.RegulationsView.as_view(), name="regulations"),
    path(
        "classes/print/",
        views.RegulationsPrintView.as_view(),
        name="regulations-print",
    ),
    path("classes.css", views.class_colours_css, name="class-colours"),
    path("feeds/reports.rss", feeds.ReportsFeed(), name="feed-rss"),
    path("feeds/reports.atom", feeds.ReportsAtomFeed(), name="feed-atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("drivers/", views.DriverListView.as_view(), name="driver-list"),
    path(
        "drivers/<slug:slug>/", views.DriverDetailView.as_view(), name="driver-detail"
    ),
    path("teams/<slug:slug>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("cars/<slug:slug>/", views.CarModelDetailView.as_view(), name="car-detail"),
    path(
        "circuits/<slug:slug>/",
        views.CircuitDetailView.as_view(),
        name="circuit-detail",
    ),
    path("<int:year>/", views.SeasonDetailView.as_view(), name="season-detail"),
    # Before the race pattern, so that "standings" and "coverage" are not read
    # as race slugs.
    path("<int:year>/standings/", views.StandingsView.as_view(), name="standings"),
    path(
        "<int:year>/standings/print/",
        views.StandingsPrintView.as_view(),
        name="standings-print",
    ),
    path(
        "<int:year>/standings.pdf",
        views.StandingsPdfView.as_view(),
        name="standings-pdf",
    ),
    path("<int:year>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("<int:year>/<slug:slug>/", views.RaceDetailView.as_view(), name="race-detail"),
    path("<int:year>/<slug:slug>/card.png", views.race_card, name="race-card"),
    path(
        "<int:year>/<slug:slug>/print/",
        views.RaceResultsPrintView.as_view(),
        name="race-results-print",
    ),
    path(
        "<int:year>/<slug:slug>/results.pdf",
        views.RaceResultsPdfView.as_view(),
        name="race-results-pdf",
    ),
    path(
        "<int:year>/<slug:slug>/results.<export_format:format>",
        views.RaceResultsExportView.as_view(),
        name="race-results-export",
    ),
]
