"""What a correction is about: a short, stable reference to a page's thing.

A reference is a kind and the thing's natural key, the same values its URL
holds, so it survives a database reload and reads well in a link:

    race:2004/mosport            a race (season year / race slug)
    entry:2004/mosport/16        one car of a race (… / entry slug)
    driver:jj-lehto              team:…, car:…, circuit:… (slugs)
    season:2004                  a season as a whole (its coverage page)

Slugs hold only letters, digits, "-" and "_", so "/" separates the parts
without ambiguity. A malformed reference raises `BadReference` (the page
answers 400); one that names nothing raises `Http404`.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.http import Http404
from django.urls import reverse

from races.models import CarModel, Circuit, Driver, Entry, Race, Season, Team

MAX_LENGTH = 120
SLUG = r"[A-Za-z0-9_-]{1,60}"
YEAR = r"[0-9]{4}"


class BadReference(ValueError):
    """A reference that is not of the form above."""


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    pattern: str  # the key, as named groups
    noun: str  # how a fan names it

    def find(self, key: dict):
        lookups = {
            "race": {"season__year": key.get("year"), "slug": key.get("slug")},
            "entry": {
                "race__season__year": key.get("year"),
                "race__slug": key.get("race"),
                "slug": key.get("slug"),
            },
            "season": {"year": key.get("year")},
        }.get(self.name, {"slug": key.get("slug")})
        queryset = self.model._default_manager.all()
        if self.model is Entry:
            queryset = queryset.select_related("race__season")
        elif self.model is Race:
            queryset = queryset.select_related("season")
        return queryset.filter(**lookups).first()


KINDS = {
    kind.name: kind
    for kind in (
        Kind("race", Race, rf"(?P<year>{YEAR})/(?P<slug>{SLUG})", "race"),
        Kind(
            "entry",
            Entry,
            rf"(?P<year>{YEAR})/(?P<race>{SLUG})/(?P<slug>{SLUG})",
            "car in a race",
        ),
        Kind("driver", Driver, rf"(?P<slug>{SLUG})", "driver"),
        Kind("team", Team, rf"(?P<slug>{SLUG})", "team"),
        Kind("car", CarModel, rf"(?P<slug>{SLUG})", "car"),
        Kind("circuit", Circuit, rf"(?P<slug>{SLUG})", "circuit"),
        Kind("season", Season, rf"(?P<year>{YEAR})", "season"),
    )
}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}


def parse(reference: str) -> tuple[Kind, dict]:
    """The kind and key of a reference; BadReference when it is malformed."""
    if not isinstance(reference, str) or len(reference) > MAX_LENGTH:
        raise BadReference(reference)
    name, _, key = reference.partition(":")
    kind = KINDS.get(name)
    match = re.fullmatch(kind.pattern, key) if kind else None
    if match is None:
        raise BadReference(reference)
    return kind, match.groupdict()


def resolve(reference: str):
    """The row a reference names. BadReference or Http404 when there is none."""
    kind, key = parse(reference)
    obj = kind.find(key)
    if obj is None:
        raise Http404(f"No {kind.noun} is known as {reference!r}.")
    return obj


def find(reference: str):
    """The row a reference names, or None (for references stored long ago)."""
    try:
        return resolve(reference)
    except (BadReference, Http404):
        return None


def url_of(reference: str) -> str:
    """The public page of a reference, read from the reference alone (no
    query; the page may have gone since)."""
    try:
        kind, key = parse(reference)
    except BadReference:
        return ""
    if kind.name == "season":
        return reverse("races:season-detail", kwargs={"year": key["year"]})
    if kind.name in ("race", "entry"):
        slug = key["race"] if kind.name == "entry" else key["slug"]
        url = reverse("races:race-detail", kwargs={"year": key["year"], "slug": slug})
        return f"{url}#car-{key['slug']}" if kind.name == "entry" else url
    return reverse(f"races:{kind.name}-detail", kwargs={"slug": key["slug"]})


def reference_for(obj) -> str:
    """The reference of a row: `reference_for(race)` is 'race:2004/mosport'."""
    if isinstance(obj, str):
        return obj
    kind = KIND_OF_MODEL[type(obj)]
    if isinstance(obj, Race):
        key = f"{obj.season.year}/{obj.slug}"
    elif isinstance(obj, Entry):
        key = f"{obj.race.season.year}/{obj.race.slug}/{obj.slug}"
    elif isinstance(obj, Season):
        key = str(obj.year)
    else:
        key = obj.slug
    return f"{kind.name}:{key}"


def describe(obj) -> str:
    """The thing as a fan reads it: 'Car #16 at Mosport 2004'."""
    if isinstance(obj, Entry):
        race = f"{obj.race.short_name} {obj.race.season.year}"
        car = f"Car #{obj.car_number}" if obj.car_number else "Car, number not known"
        known = [str(obj.team or ""), " / ".join(d.last_name for d in obj.crew_drivers)]
        who = ", ".join(part for part in known if part)
        return f"{car} ({who}) at {race}" if who else f"{car} at {race}"
    if isinstance(obj, Race):
        return f"{obj.name} {obj.season.year}"
    if isinstance(obj, Season):
        return f"The {obj.year} season's coverage"
    return str(obj)
