"""What each page shows: the read side shared by pages, API, feeds, sheets and cards.

Each function here reads the database and assembles what one page (or feed,
sheet, card or API answer) shows, from the pure calculations of
classification.py and standings.py. Nothing here writes, and nothing takes a
request: views read their URL, call one of these, and render.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects

from . import charts, classification, coverage, standings
from .citations import Citations, Reference
from .classification import ClassifiedEntry
from .markup import render_markdown
from .models import (
    CarClass,
    CarModel,
    ClassCount,
    ClassRegulation,
    Crew,
    CrewQuerySet,
    Driver,
    Entry,
    EntryQuerySet,
    EntrySource,
    Race,
    RaceSource,
    Season,
    Story,
    Team,
    source_links_in_order,
)
from .race_facts import race_facts
from .standings import ScoredEntry

# How the races a driver, team or car took part in are found.
RACED_BY = {
    Driver: "entries__crew__driver",
    Team: "entries__team",
    CarModel: "entries__car_model",
}


def season_entries(
    races: list[Race], entries: EntryQuerySet | None = None
) -> list[Entry]:
    """The races' entries with class, team and crew, each holding its race
    from `races`; `entries` says what is read of them (by default
    `for_season_tables()`).

    A season's pages read the race of each of its hundreds of entries; one
    shared race object each, rather than a joined copy per entry, made
    loading them several times faster.
    """
    by_id = {race.pk: race for race in races}
    reading = Entry.objects.for_season_tables() if entries is None else entries
    # In no order: classification orders each race's entries itself, and
    # Entry's ordering would join the race and season back in.
    found = with_crews(
        reading.filter(race__in=races).order_by(),
        Crew.objects.filter(entry__race__in=races),
    )
    hold_race = Entry.race.field.set_cached_value
    for entry in found:
        # The race the entry names already: `entry.race = ...` would check
        # and write its id again, a microsecond an entry.
        hold_race(entry, by_id[entry.race_id])
    return found


def with_crews(entries: Iterable[Entry], crews: CrewQuerySet) -> list[Entry]:
    """The entries, each with its drivers in driving order
    (`Entry.crew_drivers`), from the crews of `crews` that drive them (one
    query): `crews` selects at least theirs."""
    entries = list(entries)
    drivers = crews.drivers_by_entry() if entries else {}
    for entry in entries:
        entry.drivers_in_order = drivers.get(entry.pk, [])
    return entries


def with_source_links(
    entries: list[Entry], links: QuerySet[EntrySource]
) -> list[Entry]:
    """The entries, each with its links to its sources, by source code, as
    `Entry.ordered_source_links` reads them, from the links of `links` (one
    query), which selects at least theirs.

    As `EntryQuerySet.with_sources()`, in a quarter less time: a race page's
    prefetch spent more on its bookkeeping than on its query.
    """
    by_entry: dict[int, list[EntrySource]] = defaultdict(list)
    # Ordered by the database, as source_links_in_order(): it compares codes
    # as it collates text.
    for link in links.select_related("source").order_by("source__code"):
        by_entry[link.entry_id].append(link)
    entry_of = EntrySource.entry.field.set_cached_value
    for entry in entries:
        entry.source_links_in_order = by_entry.get(entry.pk, [])
        for link in entry.source_links_in_order:
            entry_of(link, entry)
    return entries


def with_race_facts(race: Race) -> Race:
    """The race with its reported counts per class and the links to the
    sources of its own facts (`Race.ordered_class_counts`,
    `Race.ordered_source_links`), one query each.

    As a prefetch would read them, in two thirds of the time: the race
    page's prefetches spent more on their bookkeeping than on their queries.
    """
    # Ordered within the race only: the models' own orderings go through
    # the race to its season, two joins of no use here.
    race.class_counts_in_order = list(
        ClassCount.objects.filter(race=race)
        .select_related("car_class")
        .order_by("car_class__display_order")
    )
    race.source_links_in_order = list(
        RaceSource.objects.filter(race=race)
        .select_related("source")
        .order_by("source__code")
    )
    for count in race.class_counts_in_order:
        ClassCount.race.field.set_cached_value(count, race)
    for link in race.source_links_in_order:
        RaceSource.race.field.set_cached_value(link, race)
    return race


# A season's races in calendar order and their classified rows by race id.
SeasonResults = tuple[list[Race], dict[int, list[ClassifiedEntry]]]


def season_results(year: int) -> SeasonResults:
    """The season's races in calendar order and their classified rows by race."""
    races = list(Race.objects.for_season(year).for_calendar())
    return races, classification.classify_by_race(season_entries(races))


def season_standing_results(season: Season) -> SeasonResults:
    """The season's races in round order and their classified rows by race,
    as the standings read them: each race holds `season` and its points
    scale, not its circuit.

    A lighter read than `season_results`: the season and circuit joined to
    each race were a third of the time of the races' query.
    """
    # Put in round order here: Django takes longer to compile an ORDER BY.
    races = sorted(
        Race.objects.filter(season=season).for_standings(),
        key=lambda race: race.round_number,
    )
    for race in races:
        race.season = season
    entries = season_entries(races, Entry.objects.for_standings())
    return races, classification.classify_by_race(entries)


def calendar_items(
    races: Iterable[Race], rows_by_race: dict[int, list[ClassifiedEntry]]
) -> list[dict[str, Any]]:
    """Each race as {"race", "winners", "coverage"}, with its known class
    winners and how much of its field is known."""
    races = list(races)
    season = coverage.season_coverage(races, rows_by_race)
    return [
        {
            "race": race,
            "winners": classification.class_winners(rows_by_race.get(race.pk, [])),
            "coverage": race_coverage,
        }
        for race, race_coverage in zip(races, season.rounds, strict=True)
    ]


def season_calendar(races: Iterable[Race]) -> list[dict[str, Any]]:
    """Each race with its known class winners, in calendar order."""
    calendar = list(races)
    entries = season_entries(calendar)
    return calendar_items(calendar, classification.classify_by_race(entries))


def results_of(**race_filter: Any) -> list[ClassifiedEntry]:
    """The classified rows, in calendar order, of the entries matching a filter,
    each entry with its sources.

    The filter selects races (e.g. entries__team=team); every entry of those
    races is classified so class positions are right, then only the matching
    entries are kept. With `with_sources`, entries come with their source
    links.
    """
    races = {
        race.pk: race
        for race in Race.objects.filter(**race_filter)
        .distinct()
        .select_related("season", "circuit", "points_scale")
    }
    entry_filter = {
        key.removeprefix("entries__"): value for key, value in race_filter.items()
    }
    matching = set(
        Entry.objects.filter(race__in=races, **entry_filter).values_list(
            "pk", flat=True
        )
    )
    # Every car of those races, each holding its shared race (not a copy
    # joined in per car); sources only for the rows kept.
    entries = with_crews(
        Entry.objects.filter(race__in=races).for_race_table().order_by(),
        Crew.objects.filter(entry__race__in=races),
    )
    for entry in entries:
        entry.race = races[entry.race_id]
    rows_by_race = classification.classify_by_race(entries)
    rows = [
        row
        for race_rows in rows_by_race.values()
        for row in race_rows
        if row.entry.pk in matching
    ]
    rows.sort(key=lambda row: (row.entry.race.season.year, row.entry.race.round_number))
    prefetch_related_objects([row.entry for row in rows], source_links_in_order())
    return rows


def results_of_competitor(
    competitor: Driver | Team | CarModel,
) -> list[ClassifiedEntry]:
    """The rows of every car the driver drove, the team entered or the car was."""
    return results_of(**{RACED_BY[type(competitor)]: competitor})


def scored_classification(race: Race) -> list[ScoredEntry]:
    """The race's classification in official order, each row with its points
    and its entry's sources."""
    # In no order: classify orders the rows, and Entry's ordering would join
    # the race and season back in.
    entries = with_crews(
        race.entries.for_race_table().order_by(),
        Crew.objects.filter(entry__race=race),
    )
    with_source_links(entries, EntrySource.objects.filter(entry__race=race))
    rows = classification.classify(entries)
    return standings.award_points(race=race, rows=rows)


def cite_rows(
    rows: Iterable[ClassifiedEntry], citations: Citations
) -> dict[int, list[Reference]]:
    """Each row's footnotes by entry id, numbered for the page in row order.
    The entries must come with their source links (`with_sources()`)."""
    return {
        row.entry.pk: citations.cite(row.entry.ordered_source_links) for row in rows
    }


def race_winners(race: Race) -> list[ClassifiedEntry]:
    """The race's known class winners, in class order."""
    return classification.class_winners(
        classification.classify(
            with_crews(
                race.entries.for_race_table().order_by(),
                Crew.objects.filter(entry__race=race),
            )
        )
    )


def class_charts(
    class_standings: list[standings.ClassStandings],
) -> list[dict[str, Any]]:
    """Each class's standings with the progression chart of its leaders."""
    items = []
    for item in class_standings:
        lines = standings.progression(standings=item.drivers)
        chart = charts.progression_chart(
            lines=lines,
            round_labels=[f"R{race.round_number}" for race in item.races],
        )
        items.append({"standings": item, "lines": lines, "chart": chart})
    return items


def championships_of(
    competitor: Driver | Team, seasons: dict[int, SeasonResults]
) -> list[dict[str, Any]]:
    """The competitor's place in each season and class they raced in.

    Each item has the class standings, the competitor's standing and the
    rounds they took part in as (race, round result) pairs.
    """
    found = []
    for year, (races, rows_by_race) in sorted(seasons.items()):
        table = standings.season_standings(races=races, rows_by_race=rows_by_race)
        for class_standings, standing in standings.find_standings(
            season_standings=table, competitor=competitor
        ):
            rounds = [
                (race, result)
                for race, result in zip(
                    class_standings.races, standing.rounds, strict=True
                )
                if result
            ]
            field = (
                class_standings.drivers
                if isinstance(competitor, Driver)
                else class_standings.teams
            )
            found.append(
                {
                    "year": year,
                    "standings": class_standings,
                    "standing": standing,
                    "rounds": rounds,
                    "field_size": len(field),
                }
            )
    return found


def cited_results(results: list[ClassifiedEntry]) -> dict[str, Any]:
    """A results list's rows as (row, footnotes) pairs, and the sources they
    cite, numbered in row order."""
    citations = Citations()
    references = cite_rows(results, citations)
    return {
        "cited_results": [(row, references[row.entry.pk]) for row in results],
        "sources": citations.sources,
    }


def competitor_record(competitor: Driver | Team) -> dict[str, Any]:
    """A driver's or team's page: results (each with its footnotes), record,
    championships and the sources cited.

    Each season the competitor raced in is classified once, for both their
    results and the championship tables.
    """
    entry_filter = {RACED_BY[type(competitor)].removeprefix("entries__"): competitor}
    raced = dict(
        Entry.objects.filter(**entry_filter).values_list("pk", "race__season__year")
    )
    seasons = {year: season_results(year) for year in sorted(set(raced.values()))}
    results = [
        row
        for races, rows_by_race in seasons.values()
        for race in races
        for row in rows_by_race.get(race.pk, [])
        if row.entry.pk in raced
    ]
    # What the results table shows besides the season's tables.
    prefetch_related_objects(
        [row.entry for row in results],
        Prefetch("car_model", CarModel.objects.select_related("manufacturer")),
        "story",
        source_links_in_order(),
    )
    return {
        "results": results,
        **cited_results(results),
        "summary": classification.summarise(results),
        "championships": championships_of(competitor, seasons),
    }


def car_record(car: CarModel) -> dict[str, Any]:
    """A car's page: its results, record and the regulations naming it."""
    results = results_of_competitor(car)
    return {
        "results": results,
        **cited_results(results),
        "summary": classification.summarise(results),
        "regulations": ClassRegulation.objects.filter(example_cars=car).select_related(
            "car_class", "season"
        ),
    }


def standings_page(season: Season) -> dict[str, Any]:
    """The season's championship tables, counting rounds and points scales."""
    races, rows_by_race = season_standing_results(season)
    counting = [race for race in races if race.points_scale]
    scales: dict[Any, list[Race]] = {}
    for race in counting:
        scales.setdefault(race.points_scale, []).append(race)
    classes = class_charts(
        standings.season_standings(races=races, rows_by_race=rows_by_race)
    )
    return {
        "season": season,
        "races": counting,
        "partial_races": [race for race in counting if not race.is_complete],
        "coverage_summary": coverage.season_summary(races, rows_by_race),
        "scales": sorted(scales.items(), key=lambda item: item[1][0].round_number),
        "classes": classes,
        # Defined once for all the charts.
        "chart_markers": (
            charts.marker_shapes() if any(item["lines"] for item in classes) else []
        ),
    }


def coverage_page(season: Season) -> dict[str, Any]:
    """How much of each of the season's rounds is known, and what is missing."""
    races, rows_by_race = season_results(season.year)
    return {
        "season": season,
        "coverage": coverage.season_coverage(races, rows_by_race),
    }


def home_page(season: Season | None) -> dict[str, Any]:
    """The latest season's calendar, class wins, leaders and latest report."""
    calendar: list[dict[str, Any]] = []
    leaders: list[standings.ClassStandings] = []
    if season:
        races, rows_by_race = season_results(season.year)
        calendar = calendar_items(races, rows_by_race)
        leaders = standings.season_standings(races=races, rows_by_race=rows_by_race)
    reported = [item["race"] for item in calendar if item["race"].summary]
    return {
        "season": season,
        "calendar": calendar,
        "class_wins": classification.class_win_tallies(calendar),
        "leaders": [item for item in leaders if item.leaders],
        "latest_report": reported[-1] if reported else None,
        "classes": CarClass.objects.all(),
    }


def race_page(race: Race, *, class_code: str) -> dict[str, Any]:
    """The race page's classification, shown rows (of one class when
    `class_code` names one), podiums, stories, grid, notes, race facts and
    the sources cited.

    `selected_class` is the class shown, or "" for all. Sources are numbered
    in the order the page first shows them: the race facts, then the shown
    rows in official order (sorting the table keeps the numbers).
    `race` should come `with_race_facts()`.
    """
    rows = scored_classification(race)
    classes = list(CarClass.objects.all())
    selected = class_code if class_code in {c.code for c in classes} else ""
    shown = [r for r in rows if not selected or r.entry.car_class.code == selected]
    citations = Citations()
    facts = race_facts(race, rows, citations)
    return {
        "rows": rows,
        "shown_rows": shown,
        "race_facts": facts,
        "references": cite_rows(shown, citations),
        "sources": citations.sources,
        "classes": classes,
        "selected_class": selected,
        "coverage": coverage.race_coverage(race, rows, race.ordered_class_counts),
        "winners": classification.class_winners(rows),
        "podiums": classification.podiums(rows),
        "stories": [row for row in rows if hasattr(row.entry, "story")],
        "noted_rows": [row for row in shown if row.entry.note],
        "grid": sorted(
            (row for row in rows if row.entry.grid), key=lambda r: r.entry.grid
        ),
        "field": classification.count_field(race, rows),
        "points_notes": points_notes(shown),
    }


def race_sheet(race: Race) -> dict[str, Any]:
    """The printed classification sheet's rows, notes, field count and the
    links to the sources of the race's facts."""
    rows = scored_classification(race)
    return {
        "rows": rows,
        "points_notes": points_notes(rows),
        "field": classification.count_field(race, rows),
        "noted_rows": [row for row in rows if row.entry.note],
        "fact_links": race.source_links.select_related("source"),
    }


@dataclass
class RaceSources:
    """The sources a race's rows and facts cite, numbered for one page."""

    citations: Citations
    # Each row's references, by entry id.
    of_rows: dict[int, list[Reference]]
    # The references of the race's own facts: pole, fastest lap, reported
    # entries and finishers.
    of_facts: list[Reference]


def cite_race_sources(
    rows: Iterable[ClassifiedEntry], fact_links: Iterable[RaceSource]
) -> RaceSources:
    """Number the sources of the rows, in the order given, then those of the
    race's facts. Rows need their entries' source links loaded
    (`with_sources()`), and the fact links their sources."""
    citations = Citations()
    of_rows = {
        row.entry.pk: citations.cite(row.entry.ordered_source_links) for row in rows
    }
    of_facts = citations.cite(fact_links)
    return RaceSources(citations=citations, of_rows=of_rows, of_facts=of_facts)


def points_notes(rows: Iterable[ScoredEntry]) -> list[str]:
    """The kinds of non-obvious scores among the rows, explained once each."""
    notes = []
    scores = [row.score for row in rows if row.score]
    if any(not s.is_verified for s in scores):
        notes.append(
            "* Laps unknown: points follow the class position our sources "
            "state, but the minimum distance could not be checked."
        )
    short = [s for s in scores if s.outcome == standings.Outcome.TOO_SHORT]
    if short:
        notes.append(
            f"Under {short[0].share_label}: the car covered less than "
            f"{short[0].share_label} of its class winner's laps, so it scores no "
            "points."
        )
    if any(not s.is_known for s in scores):
        notes.append(
            "Points shown as “–” are unknown because the car's class position "
            "is unknown."
        )
    return notes


def race_structured_data(
    race: Race, winners: list[ClassifiedEntry], *, url: str
) -> dict[str, Any]:
    """schema.org SportsEvent for the race page, at its absolute `url`."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "SportsEvent",
        "name": race.name,
        "url": url,
        "sport": "Sports car racing",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {
            "@type": "Place",
            "name": race.circuit.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": race.circuit.city,
                "addressRegion": race.circuit.region,
                "addressCountry": race.circuit.country,
            },
        },
        "superEvent": {"@type": "SportsEvent", "name": str(race.season)},
    }
    if race.held_on:
        data["startDate"] = race.held_on.isoformat()
    if winners:
        data["winner"] = [
            {"@type": "Person", "name": driver.full_name}
            for row in winners
            for driver in row.drivers
        ]
    return data


def regulations() -> list[ClassRegulation]:
    """Each class regulation with `raced_cars`: the cars raced in its class."""
    found = list(ClassRegulation.objects.for_regulations_page())
    raced: dict[tuple[int, str], list[Model]] = defaultdict(list)
    for car in CarModel.objects.raced_by_class():
        raced[(car.season_year, car.class_code)].append(car)
    for regulation in found:
        regulation.raced_cars = raced[
            (regulation.season.year, regulation.car_class.code)
        ]
    return found


@dataclass
class FeedItem:
    title: str
    body_html: str
    link: str
    published_at: datetime.datetime | None


def race_day(race: Race) -> datetime.datetime | None:
    """Midnight UTC of the race day, if known."""
    if race.held_on is None:
        return None
    return datetime.datetime.combine(race.held_on, datetime.time(), tzinfo=datetime.UTC)


def feed_items() -> list[FeedItem]:
    """Race reports and stories, newest race first."""
    items = [
        FeedItem(
            title=f"Race report: {race.name}",
            body_html=render_markdown(race.summary),
            link=race.get_absolute_url(),
            published_at=race_day(race),
        )
        for race in Race.objects.exclude(summary="").select_related("season")
    ]
    stories = Story.objects.select_related("entry__race__season")
    items += [
        FeedItem(
            title=f"{story.race.short_name}: {story.headline}",
            body_html=render_markdown(story.body),
            link=story.get_absolute_url(),
            published_at=race_day(story.race),
        )
        for story in stories
    ]
    oldest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    items.sort(key=lambda item: item.published_at or oldest, reverse=True)
    return items
