from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from races.api import api
from races.api_docs import ApiDocsView
from races.sitemaps import SITEMAPS
from races.views import robots_txt

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("api/", ApiDocsView.as_view(), name="api-docs"),
    path("api/", api.urls),
    path("", include("corrections.urls")),
    path("", include("races.urls")),
]
