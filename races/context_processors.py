"""The current season's year, for the links in every page's header.

The year is read from the database once per process and then kept in
memory, so no page pays a query for it. It changes only when a season is
added, removed or renumbered: after such a write commits, the writing process
reads the year again and stores a new marker in the cache, and every other
process that sees a marker other than the one it read the year under reads the
year again too. A missing marker (a cleared or restarted cache) keeps the year
already known.

This is not keyed by the data version (`almsweb.cache`): that changes with
every edit and is made anew whenever the cache is empty, so each new version
would cost the next page a query.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from races.models import Season

SEASONS_CHANGED_KEY = "seasons-changed"
UNREAD = object()
known = {"year": UNREAD, "marker": None}


def current_season(request) -> dict:
    """`current_season_year`: the latest season's year, or None with no season.

    Passed as a function, so only templates that use it read it.
    """
    return {"current_season_year": current_season_year}


def current_season_year() -> int | None:
    marker = cache.get(SEASONS_CHANGED_KEY)
    if known["year"] is UNREAD or marker not in (None, known["marker"]):
        read_current_season_year(marker)
    return known["year"]


def read_current_season_year(marker) -> None:
    known["year"] = Season.objects.values_list("year", flat=True).first()
    known["marker"] = marker


@receiver(post_save, sender=Season)
@receiver(post_delete, sender=Season)
def season_changed(sender, using=None, **kwargs) -> None:
    transaction.on_commit(mark_seasons_changed, using=using)


def mark_seasons_changed() -> None:
    marker = time.time_ns()
    cache.set(SEASONS_CHANGED_KEY, marker, timeout=None)
    read_current_season_year(marker)
