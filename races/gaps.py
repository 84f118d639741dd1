"""The editors' Gaps page: what each round still lacks, most important first.

The gaps are those of the public coverage page (races/coverage.py), each
linked to the admin page where an editor fills it in: the race for its class
winners and missing entries, the entry for a missing fact, the driver for a
missing first name.
"""

from dataclasses import dataclass

from django.urls import reverse

from . import results
from .coverage import RaceCoverage, SeasonCoverage, season_coverage
from .models import Season


@dataclass(frozen=True)
class GapLink:
    label: str
    url: str


@dataclass(frozen=True)
class Gap:
    """One kind of gap in a round, with the admin pages that fill it."""

    title: str
    links: list[GapLink]


@dataclass(frozen=True)
class RoundGaps:
    coverage: RaceCoverage
    gaps: list[Gap]


def race_change_url(coverage: RaceCoverage) -> str:
    return reverse("admin:races_race_change", args=[coverage.race.pk])


def round_gaps(coverage: RaceCoverage) -> list[Gap]:
    """The round's gaps: unknown class winners, then missing entries, then
    the facts missing from known entries in FIELD_CHECKS order."""
    race = coverage.race
    race_link = [GapLink(f"Round {race.round_number}", race_change_url(coverage))]
    gaps = []
    if coverage.unknown_winner_classes:
        codes = ", ".join(c.code for c in coverage.unknown_winner_classes)
        gaps.append(Gap(f"Class winner not known: {codes}", race_link))
    unknown = coverage.unknown_entries
    if unknown is None:
        gaps.append(Gap("Number of cars entered not known", race_link))
    elif unknown:
        by_class = coverage.unknown_by_class
        title = f"{unknown} reported {'entry' if unknown == 1 else 'entries'} missing"
        gaps.append(Gap(f"{title} ({by_class})" if by_class else title, race_link))
    for field in coverage.missing:
        if field.counted_as == "driver":
            links = [
                GapLink(
                    driver.full_name,
                    reverse("admin:races_driver_change", args=[driver.pk]),
                )
                for driver in field.drivers
            ]
        else:
            links = [
                GapLink(label, reverse("admin:races_entry_change", args=[entry.pk]))
                for label, entry in field.cars
            ]
        phrase = field.phrase
        gaps.append(Gap(phrase[0].upper() + phrase[1:], links))
    return gaps


def season_gaps() -> list[tuple[Season, SeasonCoverage, list[RoundGaps]]]:
    """Every season, latest first, with each round's gaps (a few queries a
    season)."""
    found = []
    for season in Season.objects.all():
        races, rows_by_race = results.season_results(season.year)
        coverage = season_coverage(races, rows_by_race)
        rounds = [RoundGaps(item, round_gaps(item)) for item in coverage.rounds]
        found.append((season, coverage, rounds))
    return found
