"""What the faster renders of the standings and race pages must keep: the same
objects, points, rows and markup as the plainer code they replaced."""

import pytest
from django.db.models.signals import post_init
from django.utils.safestring import SafeString
from django_tables2 import RequestConfig

from photos.gallery import race_photos
from races import coverage, html, results, standings
from races.classification import classify, classify_by_race
from races.models import ClassCount, Crew, Entry, EntrySource, Race
from races.tables import ClassificationData, ResultsPrintTable, ResultsTable

from .factories import (
    car_class,
    cite,
    make_classified_race,
    make_driver,
    make_entry,
    make_photo,
    make_race,
    make_season,
    make_source,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def field_values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_quickly_loaded_entry_equals_one_made_by_init():
    saved = make_entry(make_race(), "GT", laps=87, reason="gearbox")
    loaded = Entry.objects.select_related("car_class", "team").get(pk=saved.pk)
    made = Entry(*field_values(loaded).values())
    assert field_values(loaded) == field_values(made) == field_values(saved)
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    assert loaded.car_class.code == "GT"
    assert loaded.team == saved.team


def test_entries_read_whole_skip_model_init(monkeypatch):
    race = make_classified_race()
    made = []
    init = Entry.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Entry, "__init__", counting_init)
    assert len(list(race.entries.select_related("car_class"))) == 10
    assert len(list(race.entries.only("slug", "laps"))) == 10
    assert made == []


def test_quickly_loaded_entry_saves_and_follows_a_changed_foreign_key():
    race = make_race()
    entry = make_entry(race, "GT")
    other = make_entry(race, "LMP1")
    loaded = Entry.objects.select_related("car_class").get(pk=entry.pk)
    loaded.car_class_id = other.car_class_id
    assert loaded.car_class.code == "LMP1"
    loaded.laps = 12
    loaded.save()
    entry.refresh_from_db()
    assert (entry.laps, entry.car_class.code) == (12, "LMP1")


def test_partly_read_entry_still_defers_the_other_fields(django_assert_num_queries):
    entry = make_entry(make_race(), "GT", laps=42)
    loaded = Entry.objects.only("slug").get(pk=entry.pk)
    assert loaded.get_deferred_fields() >= {"laps"}
    with django_assert_num_queries(1):
        assert loaded.laps == 42


def test_entries_are_announced_to_post_init_receivers_when_there_are_any():
    race = make_classified_race()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Entry)
    try:
        loaded = list(race.entries.all())
    finally:
        post_init.disconnect(receiver, sender=Entry)
    assert sorted(seen) == sorted(entry.pk for entry in loaded)


def classified(race: Race):
    race = Race.objects.select_related("season", "points_scale").get(pk=race.pk)
    return race, classify(race.entries.for_results_table())


def test_race_scores_are_the_scores_award_points_gives():
    race, rows = classified(make_classified_race())
    awarded = standings.award_points(race=race, rows=rows)
    assert standings.race_scores(race=race, rows=rows) == [row.score for row in awarded]


@pytest.mark.parametrize(
    "score",
    [
        standings.Score(20, standings.Outcome.SCORED, 1),
        standings.Score(13, standings.Outcome.UNVERIFIED, 3),
        standings.Score(0, standings.Outcome.UNKNOWN),
        standings.Score(0, standings.Outcome.NOT_STARTED),
    ],
)
def test_best_of_one_score_is_that_score_added(score):
    added = standings.RoundResult()
    added.add(score)
    assert standings.RoundResult.best_of([score]) == added


def test_season_standings_total_each_drivers_best_car_of_each_round():
    season = make_season(1998)
    busy = make_driver("Busy")
    first = make_classified_race(season=season, crews={"8": [busy]})
    second = make_classified_race(season=season, crews={"7": [busy]})
    # In the second round Busy also drove a slower car of the same class.
    make_entry(second, "LMP1", position=20, laps=90, drivers=[busy])
    races = list(Race.objects.for_season(1998).for_calendar())
    entries = Entry.objects.filter(race__in=races).for_results_table()
    rows_by_race = classify_by_race(entries)
    table = standings.season_standings(races=races, rows_by_race=rows_by_race)

    expected: dict[tuple[str, int], int] = {}
    for race in races:
        best: dict[tuple[str, int], int] = {}
        for row in standings.award_points(race=race, rows=rows_by_race[race.pk]):
            for driver in row.drivers:
                key = (row.entry.car_class.code, driver.pk)
                best[key] = max(best.get(key, 0), row.score.points)
        for key, points in best.items():
            expected[key] = expected.get(key, 0) + points
    totals = {
        (item.car_class.code, standing.competitor.pk): standing.total
        for item in table
        for standing in item.drivers
    }
    assert totals == expected
    assert totals["LMP1", busy.pk] == 16 + 20
    assert {first.pk, second.pk} == set(rows_by_race)


def test_markup_helpers_give_safe_strings_with_every_value_escaped():
    link = html.link('/drivers/x/?a=1&b="2"', "<script>Tom & Jerry</script>")
    assert isinstance(link, SafeString)
    assert link == (
        '<a href="/drivers/x/?a=1&amp;b=&quot;2&quot;">'
        "&lt;script&gt;Tom &amp; Jerry&lt;/script&gt;</a>"
    )
    assert isinstance(html.crew_links([]), SafeString)


def test_standing_results_are_the_season_results_without_circuits(
    django_assert_num_queries,
):
    season = make_season(1998)
    make_classified_race(season=season, round_number=2)
    make_classified_race(season=season, round_number=1)
    races, rows_by_race = results.season_results(1998)
    with django_assert_num_queries(3):
        light_races, light_rows = results.season_standing_results(season)
        assert [race.round_number for race in light_races] == [1, 2]
        assert all(race.season is season for race in light_races)
        assert all(race.points_scale for race in light_races)
    assert light_races == races
    assert {
        race_id: [(row.entry.pk, row.class_position) for row in rows]
        for race_id, rows in light_rows.items()
    } == {
        race_id: [(row.entry.pk, row.class_position) for row in rows]
        for race_id, rows in rows_by_race.items()
    }


@pytest.mark.parametrize("status", Entry.Status.values)
@pytest.mark.parametrize("reason", ["", "oil pressure"])
def test_status_label_reads_as_the_status_display(status, reason):
    entry = Entry(status=status, reason=reason)
    expected = entry.get_status_display() + (f": {reason}" if reason else "")
    assert entry.status_label == expected


def test_status_label_of_a_value_outside_the_choices_is_the_value():
    assert Entry(status="mystery").status_label == "mystery"


def test_each_results_table_changes_only_its_own_columns():
    before = {name: column.attrs for name, column in ResultsTable.base_columns.items()}
    printed = ResultsPrintTable(ClassificationData([]))
    screen = ResultsTable(ClassificationData([]))
    assert printed.columns["laps"].attrs["td"]["class"] == "col-laps num"
    assert screen.columns["laps"].attrs["td"]["class"] == "num"
    assert screen.columns["laps"].column is not ResultsTable.base_columns["laps"]
    assert {
        name: column.attrs for name, column in ResultsTable.base_columns.items()
    } == before


def test_class_counts_come_in_class_order_whatever_order_they_were_entered():
    race = make_race()
    for code in ["GT", "LMP1", "GTS", "LMP2"]:
        ClassCount.objects.create(race=race, car_class=car_class(code), entries=3)
    counts = coverage.class_counts_by_race([race])[race.pk]
    assert [count.car_class.code for count in counts] == ["LMP1", "LMP2", "GTS", "GT"]


def test_drivers_by_entry_come_in_driving_order_whatever_order_they_were_entered():
    race = make_race()
    first, second, third = (
        make_driver("First"),
        make_driver("Second"),
        make_driver("Third"),
    )
    entry = make_entry(race, "GT", drivers=[third])
    Crew.objects.filter(entry=entry).update(order=3)
    Crew.objects.create(entry=entry, driver=first, order=1)
    Crew.objects.create(entry=entry, driver=second, order=2)
    drivers = Crew.objects.filter(entry__race=race).drivers_by_entry()[entry.pk]
    assert drivers == [first, second, third]


def test_source_links_are_those_with_sources_reads_in_source_order():
    race = make_classified_race()
    winner, second = race.entries.get(slug="7"), race.entries.get(slug="8")
    cite(winner, make_source("zeta"), make_source("alpha"), note="fastest lap")
    cite(second, make_source("mid"))
    entries = list(race.entries.order_by("slug"))
    results.with_source_links(entries, EntrySource.objects.filter(entry__race=race))
    expected = {
        entry.pk: [(link.source.code, link.note) for link in entry.ordered_source_links]
        for entry in race.entries.with_sources()
    }
    assert {
        entry.pk: [(link.source.code, link.note) for link in entry.ordered_source_links]
        for entry in entries
    } == expected
    assert expected[winner.pk] == [("alpha", "fastest lap"), ("zeta", "fastest lap")]
    assert expected[race.entries.get(slug="9").pk] == []


def test_source_links_hold_their_entry(django_assert_num_queries):
    race = make_classified_race()
    cite(race.entries.get(slug="7"), make_source())
    entries = list(race.entries.all())
    results.with_source_links(entries, EntrySource.objects.filter(entry__race=race))
    with django_assert_num_queries(0):
        assert all(
            link.entry is entry
            for entry in entries
            for link in entry.ordered_source_links
        )


def test_season_entries_hold_the_races_given(django_assert_num_queries):
    season = make_season(1998)
    make_classified_race(season=season)
    races = list(Race.objects.for_season(1998))
    entries = results.season_entries(races)
    with django_assert_num_queries(0):
        assert {id(entry.race) for entry in entries} == {id(races[0])}
        assert all(entry.race_id == races[0].pk for entry in entries)


def test_results_table_headings_and_cells_carry_the_columns_attributes(rf):
    race, rows = classified(make_classified_race())
    table = ResultsTable(
        ClassificationData(standings.award_points(race=race, rows=rows))
    )
    RequestConfig(rf.get("/", {"sort": "-laps"}), paginate=False).configure(table)
    for column in table.columns:
        assert table.column_attrs[column.name]["th"] == column.attrs["th"]
    assert 'class="desc num orderable" aria-sort="descending"' in table.header_cells()
    assert '<td class="num">100</td>' in table.body_rows()[0]


def season_rows(year: int):
    races = list(Race.objects.for_season(year).for_calendar())
    return races, classify_by_race(results.season_entries(races))


def test_season_summary_of_complete_and_reported_rounds_reads_no_counts(
    django_assert_num_queries,
):
    season = make_season(1998)
    make_classified_race(season=season)
    make_classified_race(
        season=season, completeness=Race.Completeness.PARTIAL, reported_entries=30
    )
    races, rows_by_race = season_rows(1998)
    with django_assert_num_queries(0):
        summary = coverage.season_summary(races, rows_by_race)
    assert summary == coverage.season_coverage(races, rows_by_race).summary
    assert summary == "20 of the season's 40 reported entries are known."


@pytest.mark.parametrize(
    ("counts", "summary"),
    [
        (
            {"LMP1": 12, "LMP2": 3, "GTS": 6, "GT": 9},
            "20 of the season's 40 reported entries are known.",
        ),
        (
            {"LMP1": 12, "GT": 9},
            "20 entries of the season are known; the number entered is not known "
            "for 1 of the 2 rounds.",
        ),
        (
            {},
            "20 entries of the season are known; the number entered is not known "
            "for 1 of the 2 rounds.",
        ),
    ],
)
def test_season_summary_sums_the_class_counts_where_the_number_is_not_reported(
    counts, summary, django_assert_num_queries
):
    season = make_season(1998)
    make_classified_race(season=season)
    partial = make_classified_race(
        season=season, completeness=Race.Completeness.PARTIAL
    )
    for code, entries in counts.items():
        ClassCount.objects.create(
            race=partial, car_class=car_class(code), entries=entries
        )
    races, rows_by_race = season_rows(1998)
    with django_assert_num_queries(1):
        found = coverage.season_summary(races, rows_by_race)
    assert found == coverage.season_coverage(races, rows_by_race).summary == summary


def test_race_photos_come_in_gallery_order_then_upload_order():
    race = make_race()
    third = make_photo(race, gallery_order=2)
    first = make_photo(race, gallery_order=1)
    second = make_photo(race, gallery_order=1)
    gallery = race_photos(race).gallery
    assert gallery == [first, second, third]
    assert [photo.number for photo in gallery] == [1, 2, 3]


def test_race_scores_of_a_race_that_does_not_count_is_an_error():
    race, rows = classified(make_classified_race(points_scale=None))
    with pytest.raises(ValueError, match="has no points scale"):
        standings.race_scores(race=race, rows=rows)


def test_standings_work_out_everything_from_the_fields_they_read(
    django_assert_num_queries,
):
    season = make_season(1998)
    race = make_classified_race(season=season, reported_entries=12)
    make_classified_race(
        season=season, completeness=Race.Completeness.PARTIAL, reported_entries=30
    )
    cite(race.entries.get(slug="7"), make_source())
    races, rows_by_race = results.season_standing_results(season)
    with django_assert_num_queries(0):
        table = standings.season_standings(races=races, rows_by_race=rows_by_race)
        results.class_charts(table)
        coverage.season_summary(races, rows_by_race)
        for item in table:
            html.standing_rows(item.drivers)
            html.standing_rows(item.teams)


def race_with_facts_cited():
    race = make_classified_race()
    for code in ["GT", "LMP1"]:
        ClassCount.objects.create(race=race, car_class=car_class(code), entries=5)
    cite(race, make_source("zeta"), make_source("alpha"), note="pole")
    return race


def test_race_facts_read_are_those_a_prefetch_gives(django_assert_num_queries):
    race = race_with_facts_cited()
    prefetched = Race.objects.prefetch_related(
        "class_counts__car_class", "source_links__source"
    ).get(pk=race.pk)
    read = Race.objects.get(pk=race.pk)
    with django_assert_num_queries(2):
        results.with_race_facts(read)
    with django_assert_num_queries(0):
        counts = [(c.car_class.code, c.entries) for c in read.ordered_class_counts]
        links = [(link.source.code, link.note) for link in read.ordered_source_links]
        assert all(link.race is read for link in read.ordered_source_links)
    assert counts == [("LMP1", 5), ("GT", 5)]
    assert links == [("alpha", "pole"), ("zeta", "pole")]
    assert counts == [
        (c.car_class.code, c.entries) for c in prefetched.ordered_class_counts
    ]
    assert links == [
        (link.source.code, link.note) for link in prefetched.ordered_source_links
    ]


def test_race_read_without_its_facts_still_gives_them_in_order():
    race = Race.objects.get(pk=race_with_facts_cited().pk)
    assert [c.car_class.code for c in race.ordered_class_counts] == ["LMP1", "GT"]
    assert [link.source.code for link in race.ordered_source_links] == [
        "alpha",
        "zeta",
    ]
