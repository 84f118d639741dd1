from django.urls import path

from . import feeds, views

app_name = "corrections"

urlpatterns = [
    path("corrections/new/", views.new_correction, name="correction-new"),
    path(
        "corrections/sent/<str:token>/",
        views.correction_sent,
        name="correction-sent",
    ),
    path("changes/", views.ChangelogView.as_view(), name="changelog"),
    path("changes/feed.atom", feeds.ChangesFeed(), name="changelog-feed"),
]
