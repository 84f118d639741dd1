from django.urls import path

from . import views

app_name = "races"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("classes/", views.RegulationsView.as_view(), name="regulations"),
    path("classes.css", views.class_colours_css, name="class-colours"),
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
    # Before the race pattern, so that "standings" is not read as a race slug.
    path("<int:year>/standings/", views.StandingsView.as_view(), name="standings"),
    path("<int:year>/<slug:slug>/", views.RaceDetailView.as_view(), name="race-detail"),
]
