from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from photos.media import serve_photo_file
from races.api import api
from races.api_docs import ApiDocsView
from races.sitemaps import SITEMAPS
from races.views import robots_txt

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap,
        # Django's template with image entries (photos/sitemaps.py).
        {"sitemaps": SITEMAPS, "template_name": "photos/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("api/", ApiDocsView.as_view(), name="api-docs"),
    path("api/", api.urls),
    path("", include("corrections.urls")),
    path("", include("photos.urls")),
    path("", include("races.urls")),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # The site serves its own uploaded photos (no object storage and CDN).
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_photo_file)
    )
