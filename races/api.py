"""The read-only JSON API under /api/, described by /api/openapi.json.

Field names are part of the contract: add fields, never rename or remove.
Only GET is routed, so nothing can be written through the API.

Every answer the API can give is declared in the OpenAPI document: each
operation's own answers in its `response=`, and the answers that come before
any operation runs (the page cache's 304 and 412, the HTTP server's refusals)
in `ANSWERS_OF_EVERY_OPERATION`. tests/test_api_contract.py holds it to that.

The module is long because each operation declares its schema and every
answer it can give next to its code, so that the document and the behaviour
cannot drift apart; the answers are read from races/results.py.
"""

import copy
import datetime
import math

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from photos.api import PhotoOut, photos_of_race

from . import standings
from .classification import ClassifiedEntry
from .models import Driver, Race, Season, Team
from .results import (
    cite_race_sources,
    results_of_competitor,
    scored_classification,
    season_results,
    with_race_facts,
)
from .standings import ScoredEntry
from .timing import format_time, stated_gap

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Django's own slug rule (validate_slug): also keeps NUL bytes, which
# PostgreSQL refuses in text, away from the database.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# gunicorn's limits (its defaults, which gunicorn.conf.py keeps).
MAX_REQUEST_LINE_BYTES = 4094
MAX_HEADER_FIELDS = 100
MAX_HEADER_FIELD_BYTES = 8190

NO_BODY = "No body."
SERVER_PAGE = {
    "text/html": {
        "schema": {"type": "string", "description": "A short HTML error page."}
    }
}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

# Answers any operation can give before it runs: from the page cache (304,
# 412), from Django (400 for an unknown Host header) and from gunicorn, which
# refuses a malformed or oversized request itself with a small HTML page.
ANSWERS_OF_EVERY_OPERATION = {
    "304": {
        "description": (
            "Not Modified: the copy named by If-None-Match or If-Modified-Since "
            f"is still current. {NO_BODY}"
        )
    },
    "400": {
        "description": (
            "Bad Request: the query string cannot be read (JSON), or the request "
            "itself is malformed or names an unknown host (HTML)."
        ),
        "content": {**ERROR_BODY, **SERVER_PAGE},
    },
    "412": {
        "description": (
            "Precondition Failed: If-Match or If-Unmodified-Since names another "
            f"version. {NO_BODY}"
        )
    },
    "414": {
        "description": (
            f"URI Too Long: the request line is over {MAX_REQUEST_LINE_BYTES} bytes."
        ),
        "content": SERVER_PAGE,
    },
    "417": {
        "description": "Expectation Failed: an Expect header other than 100-continue.",
        "content": SERVER_PAGE,
    },
    "431": {
        "description": (
            f"Request Header Fields Too Large: over {MAX_HEADER_FIELDS} header "
            f"fields, or one over {MAX_HEADER_FIELD_BYTES} bytes."
        ),
        "content": SERVER_PAGE,
    },
    "501": {
        "description": "Not Implemented: a Transfer-Encoding the server does not take.",
        "content": SERVER_PAGE,
    },
}


class ApiDeclaringEveryAnswer(NinjaAPI):
    """Lists ANSWERS_OF_EVERY_OPERATION under each operation of the document.

    The document is worked out once per process (about 40 ms; the routes never
    change while the site runs) and each caller gets a copy of its own.
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:  # as NinjaAPI finds it
            path_prefix = self.get_root_path(path_params or {})
        documents = self.__dict__.setdefault("openapi_documents", {})
        if path_prefix not in documents:
            documents[path_prefix] = self.document_declaring_every_answer(
                path_prefix=path_prefix
            )
        return copy.deepcopy(documents[path_prefix])

    def document_declaring_every_answer(self, **kwargs):
        document = super().get_openapi_schema(**kwargs)
        for operations in document["paths"].values():
            for operation in operations.values():
                operation["responses"] = {
                    **ANSWERS_OF_EVERY_OPERATION,
                    **{str(status): r for status, r in operation["responses"].items()},
                }
        return document


api = ApiDeclaringEveryAnswer(
    title="ALMS 2004 API",
    version="1.0",
    description=(
        "Read-only data of the 2004 American Le Mans Series: seasons, races, "
        "classifications with class positions, drivers and teams. Unknown "
        "values are null. Lists that grow are paginated with ?page=N; a page "
        "outside 1 to the last page answers 404. Every answer an operation can "
        "give is listed under it; methods other than GET answer 405 with an "
        "Allow header."
    ),
    urls_namespace="api",
    docs_url=None,
)


class Link(Schema):
    slug: str
    name: str


class CircuitOut(Schema):
    slug: str
    name: str
    city: str
    region: str
    country: str
    length_mi: float | None
    length_km: float | None
    turns: int | None


class RaceSummary(Schema):
    season: int
    round: int
    slug: str
    name: str
    short_name: str
    date: datetime.date | None
    circuit: CircuitOut
    race_length: str
    status: str
    completeness: str
    url: str


class ClassificationRow(Schema):
    position: int | None
    car_class: str
    class_position: int | None
    points: int | None
    points_verified: bool
    car_number: str | None
    team: Link | None
    drivers: list[Link]
    car: Link | None
    engine: str | None
    tyre: str | None
    laps: int | None
    laps_behind_class_leader: int | None
    status: str
    reason: str | None
    grid: int | None
    note: str | None
    gap: str | None = Field(
        description="The gap as a source states it: '5 laps', '1.4 s', "
        "'22 laps to GTS winner', or the race time on a winner's row, "
        "'2:45:13.916 (race time)'."
    )
    race_time: str | None = Field(
        description="The car's total race time, e.g. '2:45:13.916'."
    )
    sources: list[str] = Field(
        description="Codes of the sources of this row, listed in the race's `sources`."
    )


class SourceOut(Schema):
    code: str
    title: str | None
    publisher: str | None
    url: str | None


class TimedLap(Schema):
    """A pole or fastest lap: who set it and the time, each null when unknown."""

    car_number: str | None
    driver: Link | None
    time: str | None = Field(description="E.g. '1:48.710'.")


class ClassCountOut(Schema):
    car_class: str
    entries: int | None
    finishers: int | None


class RaceDetail(RaceSummary):
    summary: str
    source_note: str
    reported_starters: int | None
    entries_known: int
    classification: list[ClassificationRow]
    reported_entries: int | None
    reported_finishers: int | None
    class_counts: list[ClassCountOut] = Field(
        description="Cars entered and classified in each class, as reported."
    )
    pole: TimedLap
    fastest_lap: TimedLap
    fact_sources: list[str] = Field(
        description="Codes of the sources of the pole, fastest lap and the "
        "reported entries and finishers."
    )
    sources: list[SourceOut] = Field(
        description="Every source the classification rows and the race's facts "
        "cite, in the order of first citation."
    )
    photos: list[PhotoOut]


class SeasonOut(Schema):
    year: int
    series_name: str
    source_note: str
    races: list[RaceSummary]


class DriverOut(Schema):
    slug: str
    first_name: str | None
    last_name: str
    full_name: str
    nationality: str | None
    url: str

    @staticmethod
    def resolve_first_name(driver) -> str | None:
        return or_none(driver.first_name)

    @staticmethod
    def resolve_nationality(driver) -> str | None:
        return or_none(driver.nationality)

    @staticmethod
    def resolve_url(driver) -> str:
        return driver.get_absolute_url()


class ResultOut(Schema):
    season: int
    round: int
    race: Link
    car_class: str
    car_number: str | None
    team: Link | None
    car: Link | None
    drivers: list[Link]
    position: int | None
    class_position: int | None
    laps: int | None
    status: str
    gap: str | None = Field(description="The gap as a source states it.")
    sources: list[str] = Field(
        description="Codes of the sources of this result (see a race's `sources`)."
    )


class DriverDetail(DriverOut):
    results: list[ResultOut]


class TeamOut(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(team) -> str:
        return team.get_absolute_url()


class TeamDetail(TeamOut):
    results: list[ResultOut]


class RoundRef(Schema):
    round: int
    slug: str
    short_name: str
    is_complete: bool


class RoundPoints(Schema):
    round: int
    points: int | None
    verified: bool


class StandingOut(Schema):
    position: int
    tied: bool
    competitor: Link
    total: int
    verified: bool
    rounds: list[RoundPoints]


class ClassStandingsOut(Schema):
    car_class: str
    rounds: list[RoundRef]
    drivers: list[StandingOut]
    teams: list[StandingOut]


class SeasonStandingsOut(Schema):
    season: int
    complete: bool
    classes: list[ClassStandingsOut]


class Error(Schema):
    detail: str


class ValidationProblem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrors(Schema):
    """422: which parameter was refused and why."""

    detail: list[ValidationProblem]


class Pages(PageNumberPagination):
    """Pages from 1 to the last one; any other page is 404, never a huge offset."""

    class Input(Schema):
        page: int = Field(1, description="From 1 to the last page.")
        page_size: int | None = Field(
            None,
            ge=1,
            description=f"Items a page, {PAGE_SIZE} unless given; at most "
            f"{MAX_PAGE_SIZE}, which a larger size gets.",
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        last_page = max(1, math.ceil(count / page_size))
        if not 1 <= pagination.page <= last_page:
            raise HttpError(404, f"No such page: pages run from 1 to {last_page}.")
        offset = (pagination.page - 1) * page_size
        return {"items": queryset[offset : offset + page_size], "count": count}


Slug = Path(..., pattern=SLUG_PATTERN)
NOT_FOUND = {404: Error}
INVALID = {422: ValidationErrors}


@api.exception_handler(SuspiciousOperation)
def unreadable_request(request, exc):
    """Too many query parameters, for one: a 400 in the API's own shape."""
    return api.create_response(
        request, {"detail": "The request cannot be read."}, status=400
    )


def or_none(value):
    """Empty strings are unknown values: null in the API."""
    return value if value not in ("", None) else None


def link(obj, name=None) -> dict | None:
    if obj is None:
        return None
    return {"slug": obj.slug, "name": name or str(obj)}


def driver_links(drivers) -> list[dict]:
    return [link(driver, driver.full_name) for driver in drivers]


def circuit_data(circuit) -> dict:
    return {
        "slug": circuit.slug,
        "name": circuit.name,
        "city": circuit.city,
        "region": circuit.region,
        "country": circuit.country,
        "length_mi": float(circuit.length_mi) if circuit.length_mi else None,
        "length_km": float(circuit.length_km) if circuit.length_km else None,
        "turns": circuit.turns,
    }


def race_summary(race) -> dict:
    return {
        "season": race.season.year,
        "round": race.round_number,
        "slug": race.slug,
        "name": race.name,
        "short_name": race.short_name,
        "date": race.held_on,
        "circuit": circuit_data(race.circuit),
        "race_length": race.race_length,
        "status": race.status,
        "completeness": race.completeness,
        "url": race.get_absolute_url(),
    }


def time_or_none(time: datetime.timedelta | None) -> str | None:
    return format_time(time) if time is not None else None


def source_data(source) -> dict:
    return {
        "code": source.code,
        "title": or_none(source.title),
        "publisher": or_none(source.publisher),
        "url": or_none(source.url),
    }


def source_codes(links) -> list[str]:
    return [link.source.code for link in links]


def timed_lap(car_number: str, driver, time) -> dict:
    return {
        "car_number": or_none(car_number),
        "driver": link(driver, driver.full_name) if driver else None,
        "time": time_or_none(time),
    }


def race_facts(race) -> dict:
    """The race's own facts; the race should come `with_race_facts()`."""
    return {
        "reported_entries": race.reported_entries,
        "reported_finishers": race.reported_finishers,
        "class_counts": [
            {
                "car_class": count.car_class.code,
                "entries": count.entries,
                "finishers": count.finishers,
            }
            for count in race.ordered_class_counts
        ],
        "pole": timed_lap(race.pole_car_number, race.pole_driver, race.pole_time),
        "fastest_lap": timed_lap(
            race.fastest_lap_car_number,
            race.fastest_lap_driver,
            race.fastest_lap_time,
        ),
        "fact_sources": source_codes(race.ordered_source_links),
    }


def classification_row(row: ScoredEntry) -> dict:
    entry = row.entry
    score = row.score
    return {
        "position": entry.position,
        "car_class": entry.car_class.code,
        "class_position": row.class_position,
        "points": score.points if score and score.is_known else None,
        "points_verified": bool(score and score.is_known and score.is_verified),
        "car_number": or_none(entry.car_number),
        "team": link(entry.team),
        "drivers": driver_links(row.drivers),
        "car": link(entry.car_model),
        "engine": or_none(entry.engine),
        "tyre": entry.get_tyre_display() if entry.tyre else None,
        "laps": entry.laps,
        "laps_behind_class_leader": row.laps_behind_class_leader,
        "status": entry.status,
        "reason": or_none(entry.reason),
        "grid": entry.grid,
        "note": or_none(entry.note),
        "gap": stated_gap(entry),
        "race_time": time_or_none(entry.race_time),
        "sources": source_codes(entry.ordered_source_links),
    }


def result_data(row: ClassifiedEntry) -> dict:
    entry = row.entry
    return {
        "season": entry.race.season.year,
        "round": entry.race.round_number,
        "race": link(entry.race, entry.race.name),
        "car_class": entry.car_class.code,
        "car_number": or_none(entry.car_number),
        "team": link(entry.team),
        "car": link(entry.car_model),
        "drivers": driver_links(row.drivers),
        "position": entry.position,
        "class_position": row.class_position,
        "laps": entry.laps,
        "status": entry.status,
        "gap": stated_gap(entry),
        "sources": source_codes(entry.ordered_source_links),
    }


@api.get("/seasons", response=list[SeasonOut], tags=["seasons"])
def list_seasons(request):
    """Every season with its races in calendar order."""
    races = list(Race.objects.for_calendar())
    return [
        {
            "year": season.year,
            "series_name": season.series_name,
            "source_note": season.source_note,
            "races": [race_summary(r) for r in races if r.season_id == season.pk],
        }
        for season in Season.objects.all()
    ]


@api.get(
    "/seasons/{year}",
    response={200: SeasonOut, **NOT_FOUND, **INVALID},
    tags=["seasons"],
)
def get_season(request, year: int):
    """One season with its races in calendar order."""
    season = get_object_or_404(Season, year=year)
    races = Race.objects.for_season(year).for_calendar()
    return {
        "year": season.year,
        "series_name": season.series_name,
        "source_note": season.source_note,
        "races": [race_summary(race) for race in races],
    }


@api.get("/races", response={200: list[RaceSummary], **INVALID}, tags=["races"])
def list_races(request, season: int | None = None):
    """Races in calendar order, optionally of one season (?season=2004)."""
    races = Race.objects.for_calendar()
    if season is not None:
        races = races.for_season(season)
    return [race_summary(race) for race in races]


@api.get(
    "/races/{year}/{slug}",
    response={200: RaceDetail, **NOT_FOUND, **INVALID},
    tags=["races"],
)
def get_race(request, year: int, slug: str = Slug):
    """A race with its classification in official order, its facts and sources.

    Class positions are derived from the overall order; in a partial
    classification they are null where no source states them. Each row and
    the race's facts name their sources by code; `sources` lists them all.
    """
    race = with_race_facts(
        get_object_or_404(
            Race.objects.for_detail().with_fact_drivers(),
            season__year=year,
            slug=slug,
        )
    )
    rows = scored_classification(race)
    cited = cite_race_sources(rows, race.ordered_source_links)
    return {
        **race_summary(race),
        "summary": race.summary,
        "source_note": race.source_note,
        "reported_starters": race.reported_starters,
        "entries_known": len(rows),
        "classification": [classification_row(row) for row in rows],
        **race_facts(race),
        "sources": [source_data(cited.source) for cited in cited.citations.sources],
        "photos": photos_of_race(race, [row.entry for row in rows]),
    }


@api.get(
    "/drivers",
    response={200: list[DriverOut], **NOT_FOUND, **INVALID},
    tags=["drivers"],
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_drivers(request):
    """Drivers by surname, 50 a page."""
    return Driver.objects.with_start_counts()


@api.get(
    "/drivers/{slug}",
    response={200: DriverDetail, **NOT_FOUND, **INVALID},
    tags=["drivers"],
)
def get_driver(request, slug: str = Slug):
    """A driver with every known result, in calendar order."""
    driver = get_object_or_404(Driver, slug=slug)
    driver.results = [result_data(row) for row in results_of_competitor(driver)]
    return driver


@api.get(
    "/teams",
    response={200: list[TeamOut], **NOT_FOUND, **INVALID},
    tags=["teams"],
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_teams(request):
    """Teams by name, 50 a page."""
    return Team.objects.all()


@api.get(
    "/teams/{slug}",
    response={200: TeamDetail, **NOT_FOUND, **INVALID},
    tags=["teams"],
)
def get_team(request, slug: str = Slug):
    """A team with every car it entered, in calendar order."""
    team = get_object_or_404(Team, slug=slug)
    team.results = [result_data(row) for row in results_of_competitor(team)]
    return team


def standing_data(standing: standings.Standing, races) -> dict:
    competitor = standing.competitor
    name = getattr(competitor, "full_name", None) or str(competitor)
    return {
        "position": standing.position,
        "tied": standing.is_tied,
        "competitor": link(competitor, name),
        "total": standing.total,
        "verified": standing.is_verified,
        "rounds": [
            {
                "round": race.round_number,
                "points": result.points if result.is_known else None,
                "verified": result.is_verified,
            }
            for race, result in zip(races, standing.rounds, strict=True)
            if result
        ],
    }


@api.get(
    "/standings/{year}",
    response={200: SeasonStandingsOut, **NOT_FOUND, **INVALID},
    tags=["standings"],
)
def get_standings(request, year: int):
    """Drivers' and teams' championships of each class, from computed points.

    `rounds` lists only the rounds a competitor took part in; `complete` is
    false while any counting round's classification is partial.
    """
    season = get_object_or_404(Season, year=year)
    races, rows_by_race = season_results(season.year)
    table = standings.season_standings(races=races, rows_by_race=rows_by_race)
    counting = [race for race in races if race.points_scale]
    return {
        "season": season.year,
        "complete": all(race.is_complete for race in counting),
        "classes": [
            {
                "car_class": item.car_class.code,
                "rounds": [
                    {
                        "round": race.round_number,
                        "slug": race.slug,
                        "short_name": race.short_name,
                        "is_complete": race.is_complete,
                    }
                    for race in item.races
                ],
                "drivers": [standing_data(s, item.races) for s in item.drivers],
                "teams": [standing_data(s, item.races) for s in item.teams],
            }
            for item in table
        ],
    }


@api.api_operation(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "/{path:rest}",
    include_in_schema=False,
)
def no_such_operation(request, rest: str):
    """Any other URL under /api/: a 404 in the API's shape, not the site's page."""
    raise Http404
