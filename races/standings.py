"""Championship points and standings, computed from class positions.

Points are never typed by hand. Each car's points follow from its class
position (see classification.py) under its season's rules: the race's points
scale, the minimum share of the class winner's laps a car must cover, and
whether a team scores with its best car only.

Partial rounds often lack laps, so the minimum distance cannot always be
checked. We never invent laps: a car with a known class position then scores
the points of that position, and its score is marked unverified. A car whose
class position is unknown has unknown points; it counts as having taken part
but adds nothing to the totals. The standings page says which rounds are
partial, so its totals are known to be incomplete.

A driver or team who raced in two classes has a place in both classes'
standings. A driver listed in two cars of the same class in one race scores
with the better of the two.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import cast

from .classification import ClassifiedEntry
from .models import CarClass, Driver, Entry, PointsScale, Race, Team


class Outcome(StrEnum):
    """How a car's points were decided."""

    SCORED = "scored"  # by class position, distance checked (or not needed)
    UNVERIFIED = "unverified"  # by class position; laps unknown, distance unchecked
    TOO_SHORT = "too-short"  # below the minimum share of the class winner's laps
    NOT_STARTED = "not-started"
    NOT_CLASSIFIED = "not-classified"  # NC or disqualified
    UNKNOWN = "unknown"  # class position unknown, so points unknown


OUTCOME_NOTES = {
    Outcome.SCORED: "",
    Outcome.UNVERIFIED: "laps unknown, so the minimum distance is not verified",
    Outcome.TOO_SHORT: "covered less than {share} of the class winner's laps",
    Outcome.NOT_STARTED: "did not start",
    Outcome.NOT_CLASSIFIED: "not classified",
    Outcome.UNKNOWN: "class position unknown, so points unknown",
}


@dataclass(frozen=True)
class Score:
    """The points one car scored in one race, and how they were decided."""

    points: int
    outcome: Outcome
    class_position: int | None = None
    minimum_share: Decimal = Decimal(0)

    @property
    def is_known(self) -> bool:
        return self.outcome != Outcome.UNKNOWN

    @property
    def is_verified(self) -> bool:
        return self.outcome != Outcome.UNVERIFIED

    @property
    def share_label(self) -> str:
        """The minimum share as a percentage, e.g. '70%'."""
        return f"{self.minimum_share * 100:.0f}%"

    @property
    def note(self) -> str:
        """Why the car scored what it did, when that needs saying."""
        return OUTCOME_NOTES[self.outcome].format(share=self.share_label)


def score_entry(
    *,
    row: ClassifiedEntry,
    scale: PointsScale,
    share: Decimal,
    class_winner_laps: int | None,
) -> Score:
    """The points of one classified row under its race's points scale and its
    season's minimum share of the class winner's laps."""
    entry = row.entry
    position = row.class_position
    if entry.status == Entry.Status.DID_NOT_START:
        return Score(0, Outcome.NOT_STARTED, minimum_share=share)
    if entry.status in (Entry.Status.NOT_CLASSIFIED, Entry.Status.DISQUALIFIED):
        return Score(0, Outcome.NOT_CLASSIFIED, minimum_share=share)
    if position is None:
        if is_short(laps=entry.laps, winner_laps=class_winner_laps, share=share):
            # Whatever its place, a car this far behind cannot score.
            return Score(0, Outcome.TOO_SHORT, minimum_share=share)
        return Score(0, Outcome.UNKNOWN, minimum_share=share)
    points = scale.points_for(position)
    if position == 1:
        # The class winner sets the distance the others are measured against.
        return Score(points, Outcome.SCORED, position, share)
    if is_short(laps=entry.laps, winner_laps=class_winner_laps, share=share):
        return Score(0, Outcome.TOO_SHORT, position, share)
    if points and (entry.laps is None or class_winner_laps is None):
        return Score(points, Outcome.UNVERIFIED, position, share)
    return Score(points, Outcome.SCORED, position, share)


@dataclass(frozen=True)
class ScoredEntry(ClassifiedEntry):
    """A classified row with its championship points; `score` is None in a
    race that does not count."""

    score: Score | None = None

    @classmethod
    def of(cls, row: ClassifiedEntry, score: Score | None) -> "ScoredEntry":
        values = {name: getattr(row, name) for name in CLASSIFIED_FIELDS}
        return cls(**values, score=score)


CLASSIFIED_FIELDS = [field.name for field in fields(ClassifiedEntry)]


def is_short(*, laps: int | None, winner_laps: int | None, share: Decimal) -> bool:
    """Known to have covered less than `share` of the class winner's laps."""
    if laps is None or winner_laps is None:
        return False
    return laps < share * winner_laps


def award_points(*, race: Race, rows: list[ClassifiedEntry]) -> list[ScoredEntry]:
    """The rows, in the same order, each with its score under the race's rules.

    `rows` must be the whole classification of the race. In a race with no
    points scale (one that does not count) every score is None.
    """
    if race.points_scale is None:
        return [ScoredEntry.of(row, None) for row in rows]
    scores = race_scores(race=race, rows=rows)
    return [ScoredEntry.of(row, score) for row, score in zip(rows, scores, strict=True)]


def race_scores(*, race: Race, rows: list[ClassifiedEntry]) -> list[Score]:
    """Each row's score under the rules of a race that counts, in row order.

    `rows` must be the whole classification of the race.
    """
    if race.points_scale is None:
        raise ValueError(f"{race} has no points scale, so it scores no points")
    winner_laps = {
        row.entry.car_class_id: row.entry.laps
        for row in rows
        if row.class_position == 1
    }
    scale, share = race.points_scale, race.season.minimum_distance_share
    return [
        score_entry(
            row=row,
            scale=scale,
            share=share,
            class_winner_laps=winner_laps.get(row.entry.car_class_id),
        )
        for row in rows
    ]


@dataclass
class RoundResult:
    """What a driver or team scored in one round of one class."""

    points: int = 0
    is_known: bool = False
    is_verified: bool = True
    # Class positions of the results that scored, for countback.
    counted_positions: list[int] = field(default_factory=list)

    def add(self, score: Score) -> None:
        """Add a result to this round's total (teams without the best-car rule)."""
        self.is_known = self.is_known or score.is_known
        if score.points and score.class_position is not None:
            self.points += score.points
            self.is_verified = self.is_verified and score.is_verified
            self.counted_positions.append(score.class_position)

    @classmethod
    def best_of(cls, scores: list[Score]) -> "RoundResult":
        """The result of the best-placed car among several."""
        result = cls()
        if len(scores) == 1:
            # Nearly always: one car a round.
            result.add(scores[0])
            return result
        best = max(
            scores, key=lambda s: (s.points, s.is_known, -(s.class_position or 0))
        )
        result.add(best)
        result.is_known = any(score.is_known for score in scores)
        return result


@dataclass
class Standing:
    """One driver's or team's championship in one class."""

    competitor: Driver | Team
    rounds: list[RoundResult | None]  # one per counting race; None: not there
    position: int = 0
    is_tied: bool = False

    @property
    def total(self) -> int:
        return sum(result.points for result in self.rounds if result)

    @property
    def is_leader(self) -> bool:
        """First, or joint first, with points."""
        return self.position == 1 and self.total > 0

    @property
    def is_verified(self) -> bool:
        return all(result.is_verified for result in self.rounds if result)

    @property
    def wins(self) -> int:
        return self.countback[0] if self.countback else 0

    @property
    def countback(self) -> tuple[int, ...]:
        """How many times the counted results were 1st, 2nd, 3rd… in class."""
        positions = [
            p for result in self.rounds if result for p in result.counted_positions
        ]
        if not positions:
            return ()
        counts = [0] * max(positions)
        for position in positions:
            counts[position - 1] += 1
        return tuple(counts)

    @property
    def cumulative(self) -> list[int]:
        """Total points after each round."""
        totals, running = [], 0
        for result in self.rounds:
            running += result.points if result else 0
            totals.append(running)
        return totals

    @property
    def name_key(self) -> tuple:
        competitor = self.competitor
        if isinstance(competitor, Driver):
            return (competitor.last_name.casefold(), competitor.first_name.casefold())
        return (competitor.name.casefold(),)


@dataclass
class ClassStandings:
    """A class's drivers' and teams' championships over the counting races."""

    car_class: CarClass
    races: list[Race]
    drivers: list[Standing]
    teams: list[Standing]

    @property
    def leaders(self) -> list[Standing]:
        """The drivers sharing first place, if anyone has scored."""
        return [s for s in self.drivers if s.is_leader]

    @property
    def team_leaders(self) -> list[Standing]:
        return [s for s in self.teams if s.is_leader]


def rank(standings: Iterable[Standing]) -> list[Standing]:
    """Standings by points, ties broken by countback, then named A to Z.

    Countback compares the number of class wins, then second places, and so
    on. Competitors still level share the position and are marked tied.
    """
    competitors = list(standings)
    countbacks = {id(s): s.countback for s in competitors}
    length = max((len(countback) for countback in countbacks.values()), default=0)
    merits = {
        id(s): (
            -s.total,
            *(-count for count in countbacks[id(s)]),
            *(0,) * (length - len(countbacks[id(s)])),
        )
        for s in competitors
    }

    def merit(standing: Standing) -> tuple:
        return merits[id(standing)]

    ordered = sorted(competitors, key=lambda s: (merit(s), s.name_key))
    for index, standing in enumerate(ordered):
        if index and merit(ordered[index - 1]) == merit(standing):
            standing.position = ordered[index - 1].position
            standing.is_tied = ordered[index - 1].is_tied = True
        else:
            standing.position = index + 1
    return ordered


def season_standings(
    *, races: Iterable[Race], rows_by_race: dict[int, list[ClassifiedEntry]]
) -> list[ClassStandings]:
    """Per class, in class order, the drivers' and teams' standings.

    `races` are the season's races in calendar order (with season and points
    scale loaded); `rows_by_race` their whole classifications, keyed by race
    id, as from `classification.classify_by_race`. Only races with a points
    scale count; each has a column in every class.
    """
    counting = [race for race in races if race.points_scale_id]
    column = {race.pk: index for index, race in enumerate(counting)}
    driver_scores: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    team_scores: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    classes: dict[int, CarClass] = {}
    competitors: dict[tuple[str, int], Driver | Team] = {}
    best_car_only: dict[int, bool] = {}
    for race in counting:
        best_car_only[race.pk] = race.season.is_team_best_car_only
        rows = rows_by_race.get(race.pk, [])
        at = (race.pk, column[race.pk])
        for row, score in zip(rows, race_scores(race=race, rows=rows), strict=True):
            entry = row.entry
            class_id = entry.car_class_id
            if class_id not in classes:
                classes[class_id] = entry.car_class
            class_driver_scores = driver_scores[class_id]
            for driver in row.drivers:
                driver_id = driver.pk
                competitors[("driver", driver_id)] = driver
                class_driver_scores[driver_id, at].append(score)
            if entry.team_id is not None:
                competitors[("team", entry.team_id)] = cast(Team, entry.team)
                team_scores[class_id][entry.team_id, at].append(score)
    result = []
    for car_class in sorted(classes.values(), key=lambda c: c.display_order):
        drivers = _standings(
            driver_scores[car_class.pk],
            competitors,
            "driver",
            len(counting),
            best_car_only=lambda race_id: True,
        )
        teams = _standings(
            team_scores[car_class.pk],
            competitors,
            "team",
            len(counting),
            best_car_only=best_car_only.get,
        )
        result.append(
            ClassStandings(
                car_class=car_class, races=counting, drivers=drivers, teams=teams
            )
        )
    return result


def _standings(
    scores: dict,
    competitors: dict[tuple[str, int], Driver | Team],
    kind: str,
    columns: int,
    *,
    best_car_only: Callable[[int], bool | None],
) -> list[Standing]:
    by_competitor: dict[int, Standing] = {}
    for (pk, (race_id, index)), race_scores in scores.items():
        standing = by_competitor.get(pk)
        if standing is None:
            standing = by_competitor[pk] = Standing(
                competitor=competitors[(kind, pk)], rounds=[None] * columns
            )
        if best_car_only(race_id):
            standing.rounds[index] = RoundResult.best_of(race_scores)
        else:
            round_result = RoundResult()
            for score in race_scores:
                round_result.add(score)
            standing.rounds[index] = round_result
    return rank(by_competitor.values())


@dataclass
class ProgressionLine:
    """One line of a progression chart: competitors with identical totals."""

    standings: list[Standing]

    @property
    def label(self) -> str:
        return " / ".join(
            getattr(s.competitor, "last_name", None) or str(s.competitor)
            for s in self.standings
        )

    @property
    def points(self) -> list[int]:
        return self.standings[0].cumulative


def progression(*, standings: list[Standing], limit: int = 5) -> list[ProgressionLine]:
    """Cumulative points of the competitors placed `limit` or better who scored.

    Competitors whose totals match after every round (usually co-drivers of
    one car) share a line, so no line hides another. Lines come in standings
    order.
    """
    lines: dict[tuple, ProgressionLine] = {}
    for standing in standings:
        if standing.position > limit or not standing.total:
            continue
        key = tuple(standing.cumulative)
        if key in lines:
            lines[key].standings.append(standing)
        else:
            lines[key] = ProgressionLine(standings=[standing])
    return list(lines.values())


def find_standings(
    *, season_standings: list[ClassStandings], competitor: Driver | Team
) -> list[tuple[ClassStandings, Standing]]:
    """The competitor's standing in each class they raced in, in class order."""
    found = []
    for class_standings in season_standings:
        table = (
            class_standings.drivers
            if isinstance(competitor, Driver)
            else class_standings.teams
        )
        for standing in table:
            if standing.competitor.pk == competitor.pk:
                found.append((class_standings, standing))
    return found
