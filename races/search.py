"""Site search over drivers, teams, cars, circuits, races and stories.

Matching ignores case, accents and punctuation ("oconnell" finds O'Connell,
"Murcielago" finds Murciélago) through a database function `alms_normalise`
that does what `normalise()` does: a Python function registered on each
SQLite connection, and an SQL function over `unaccent` created by a
migration on PostgreSQL, where full-text search is used as well.
"""

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat

from .models import CarModel, Circuit, Driver, Race, Story, Team

MAX_QUERY_LENGTH = 100
RESULTS_PER_KIND = 20


def normalise(text: str) -> str:
    """Lower case, no accents, letters, digits and single spaces only.

    Hyphens and slashes separate words ("Mid-Ohio" is "mid ohio"); other
    punctuation is dropped ("O'Connell" is "oconnell").
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    spaced = plain.replace("-", " ").replace("/", " ")
    kept = "".join(char for char in spaced if char.isalnum() or char.isspace())
    return " ".join(kept.casefold().split())


class Normalise(Func):
    function = "alms_normalise"
    output_field = CharField()


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    queryset: object
    fields: tuple[str, ...]


def kinds() -> list[Kind]:
    return [
        Kind("drivers", "Drivers", Driver.objects.all(), ("first_name", "last_name")),
        Kind("teams", "Teams", Team.objects.all(), ("name",)),
        Kind(
            "cars",
            "Cars",
            CarModel.objects.select_related("manufacturer"),
            ("manufacturer__name", "name"),
        ),
        Kind("circuits", "Circuits", Circuit.objects.all(), ("name", "city", "region")),
        Kind(
            "races",
            "Races",
            Race.objects.select_related("season"),
            ("name", "short_name", "alternative_names"),
        ),
        Kind(
            "stories",
            "Stories",
            Story.objects.select_related("entry__race__season"),
            ("headline", "body"),
        ),
    ]


def searchable_text(fields: tuple[str, ...]):
    parts = []
    for name in fields:
        parts += [Coalesce(F(name), Value(""), output_field=TextField()), Value(" ")]
    return Concat(*parts, output_field=CharField())


def matching(kind: Kind, terms: str):
    queryset = kind.queryset.annotate(
        search_key=Normalise(searchable_text(kind.fields))
    )
    condition = Q(search_key__contains=terms)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        queryset = queryset.annotate(
            document=SearchVector(
                *(Normalise(F(name)) for name in kind.fields), config="simple"
            )
        )
        condition |= Q(document=SearchQuery(terms, config="simple"))
    return queryset.filter(condition)[:RESULTS_PER_KIND]


@dataclass
class SearchResults:
    query: str
    groups: list[tuple[Kind, list]]

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.groups)


def search(query: str) -> SearchResults:
    """Everything matching the query, grouped by kind; empty for no terms."""
    terms = normalise(query)
    if not terms:
        return SearchResults(query=query, groups=[])
    groups = [(kind, list(matching(kind, terms))) for kind in kinds()]
    return SearchResults(query=query, groups=[g for g in groups if g[1]])


def register_sqlite_functions(sender, connection, **kwargs):
    """Give every SQLite connection the `alms_normalise` function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "alms_normalise", 1, normalise, deterministic=True
        )
