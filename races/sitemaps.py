from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from photos.sitemaps import PhotoSitemap

from .models import CarModel, Circuit, Driver, Race, Season, Team


class StaticViewSitemap(Sitemap):
    def items(self):
        return [
            "races:home",
            "races:regulations",
            "races:driver-list",
            "api-docs",
            "corrections:changelog",
        ]

    def location(self, item):
        return reverse(item)


class SeasonSitemap(Sitemap):
    def items(self):
        return Season.objects.all()


class StandingsSitemap(Sitemap):
    def items(self):
        return Season.objects.all()

    def location(self, item):
        return reverse("races:standings", kwargs={"year": item.year})


class CoverageSitemap(Sitemap):
    def items(self):
        return Season.objects.all()

    def location(self, item):
        return reverse("races:coverage", kwargs={"year": item.year})


class RaceSitemap(Sitemap):
    def items(self):
        return Race.objects.select_related("season")


class DriverSitemap(Sitemap):
    def items(self):
        return Driver.objects.all()


class TeamSitemap(Sitemap):
    def items(self):
        return Team.objects.all()


class CarModelSitemap(Sitemap):
    def items(self):
        return CarModel.objects.select_related("manufacturer")


class CircuitSitemap(Sitemap):
    def items(self):
        return Circuit.objects.all()


SITEMAPS = {
    "pages": StaticViewSitemap,
    "seasons": SeasonSitemap,
    "standings": StandingsSitemap,
    "coverage": CoverageSitemap,
    "races": RaceSitemap,
    "drivers": DriverSitemap,
    "teams": TeamSitemap,
    "cars": CarModelSitemap,
    "circuits": CircuitSitemap,
    "photos": PhotoSitemap,
}
