"""Merging a new pass of season data: fills in, keeps, refuses, never twice."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from almsweb.cache import data_version
from races.models import ClassCount, Entry, EntrySource, Race, RaceSource, Source

from .factories import make_driver, make_entry, make_race, make_season, make_story

pytestmark = pytest.mark.django_db

HEADER = (
    "round,pos,class,class_pos,car_no,team,drivers,chassis,engine,tyre,laps,gap,"
    "status,grid,fastest_lap,src,xref\n"
)
FACTS_HEADER = (
    "round,pole_car_no,pole_driver,pole_time,entries,entries_lmp1,entries_lmp2,"
    "entries_gts,entries_gt,finishers,finishers_lmp1,finishers_lmp2,finishers_gts,"
    "finishers_gt,fastest_lap_car_no,fastest_lap_driver,fastest_lap_time,src,note\n"
)
SOURCES = """# Sources

| code | URL |
|---|---|
| report | https://example.org/news/a-long-race-report-title (the race report) |
| timing(seed) | https://example.org/timing.htm |

## More

| code | where | what it gave |
|---|---|---|
| gh-list | a public file (no URL) | winners and poles |
| forum-t1 / t2 | https://forum.example.org/show.php?t=1 , ?t=2 | press releases |
"""


@pytest.fixture
def season():
    season = make_season(1998)
    return season


@pytest.fixture
def race(season):
    race = make_race(
        season=season,
        round_number=1,
        completeness=Race.Completeness.PARTIAL,
        summary="Our own report of the race.",
    )
    winner = make_entry(
        race,
        car_number="38",
        slug="38",
        position=1,
        laps=None,
        drivers=[make_driver("Lehto", first_name="JJ")],
        note="A note for readers.",
    )
    make_story(winner, headline="Lehto wins", body="Our own words.")
    make_entry(
        race,
        "LMP2",
        car_number="",
        slug="field-liddell",
        position=None,
        laps=None,
        status=Entry.Status.UNKNOWN,
        drivers=[
            make_driver("Field", first_name="Clint"),
            make_driver("Sutherland", first_name=""),
        ],
    )
    return race


def folder(tmp_path, results: str, facts: str = "", sources: str = SOURCES):
    (tmp_path / "results").mkdir(exist_ok=True)
    (tmp_path / "SOURCES.md").write_text(sources)
    (tmp_path / "results" / "01-test.csv").write_text(HEADER + results)
    if facts:
        (tmp_path / "race_facts.csv").write_text(FACTS_HEADER + facts)
    return tmp_path


ROWS = (
    "1,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,2:45:13.916 (race time),finished,"
    "2,,report;timing(seed),matched by number\n"
    "1,,LMP2,1,30,Intersport,Clint Field / Rick Sutherland,Lola B2K/40,,,116,"
    "8 laps,classified,,,gh-list,number per gh-list\n"
    "1,,GTS,,,Krohn Racing,,Lamborghini Murcielago R-GT,,,,,DNS (withdrawn),,,"
    "report,car 1 of 2\n"
    "1,,GTS,,,Krohn Racing,,Lamborghini Murcielago R-GT,,,,,DNS (withdrawn),,,"
    "report,car 2 of 2\n"
    "1,,GT,1,23,Job,Timo Bernhard,Porsche 911 GT3-RSR,,,110,23 s to GT winner,,,,"
    "forum-t2,\n"
)
FACTS = "1,38,JJ Lehto,1:48.710,44,12,7,6,19,24,7,2,3,12,,,,gh-list;report,pole note\n"


def merge(path, **options):
    out = StringIO()
    call_command("merge_season_data", path, season=1998, stdout=out, **options)
    return out.getvalue()


def test_merge_fills_in_what_the_site_does_not_know(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    winner = race.entries.get(slug="38")
    assert winner.laps == 124
    assert str(winner.race_time) == "2:45:13.916000"
    assert winner.grid == 2
    assert winner.editor_note == "matched by number"
    lmp2 = race.entries.get(slug="field-liddell")
    assert lmp2.car_number == "30"
    assert (lmp2.laps, lmp2.gap_laps, lmp2.status) == (116, 8, Entry.Status.CLASSIFIED)
    crew = [driver.full_name for driver in lmp2.crew_drivers]
    assert crew == ["Clint Field", "Rick Sutherland"]


def test_merge_adds_cars_the_site_lacks_even_without_drivers(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    withdrawn = race.entries.filter(team__name="Krohn Racing").order_by("slug")
    assert [entry.slug for entry in withdrawn] == ["krohn-racing", "krohn-racing-2"]
    assert all(not entry.crew.exists() for entry in withdrawn)
    assert all(entry.status == Entry.Status.DID_NOT_START for entry in withdrawn)
    gt = race.entries.get(car_number="23")
    assert gt.position is None
    assert gt.status == Entry.Status.UNKNOWN
    assert (gt.gap_time.total_seconds(), gt.is_gap_to_class_winner) == (23, True)


def test_merge_links_each_row_and_the_race_facts_to_their_sources(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    winner = race.entries.get(slug="38")
    links = {link.source.code: link.note for link in winner.source_links.all()}
    assert links == {"report": "", "timing": "seed"}
    gt_sources = EntrySource.objects.filter(entry__race=race, entry__car_number="23")
    assert [link.source.code for link in gt_sources] == ["forum-t2"]
    assert set(race.fact_sources.values_list("code", flat=True)) == {
        "gh-list",
        "report",
    }


def test_merge_loads_the_source_list_with_its_urls(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    report = Source.objects.get(code="report")
    assert report.url == "https://example.org/news/a-long-race-report-title"
    assert report.title == "A long race report title"
    assert report.gave == "the race report"
    assert Source.objects.get(code="forum-t2").url == (
        "https://forum.example.org/show.php?t=2"
    )
    assert Source.objects.get(code="gh-list").gave == "winners and poles"


def test_merge_fills_in_the_race_facts(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    race.refresh_from_db()
    assert race.pole_car_number == "38"
    assert race.pole_driver.full_name == "JJ Lehto"
    assert race.pole_time.total_seconds() == pytest.approx(108.71)
    assert (race.reported_entries, race.reported_finishers) == (44, 24)
    assert race.editor_note == "pole note"
    counts = {
        count.car_class.code: (count.entries, count.finishers)
        for count in ClassCount.objects.filter(race=race)
    }
    assert counts == {
        "LMP1": (12, 7),
        "LMP2": (7, 2),
        "GTS": (6, 3),
        "GT": (19, 12),
    }


def test_merge_keeps_editorial_text(race, tmp_path):
    merge(folder(tmp_path, ROWS, FACTS))

    race.refresh_from_db()
    winner = race.entries.get(slug="38")
    assert race.summary == "Our own report of the race."
    assert winner.note == "A note for readers."
    assert winner.story.headline == "Lehto wins"
    assert winner.story.body == "Our own words."


def test_merge_keeps_an_editors_value_and_lists_the_difference(race, tmp_path):
    winner = race.entries.get(slug="38")
    winner.laps = 125  # an editor's correction
    winner.save()

    output = merge(folder(tmp_path, ROWS, FACTS))

    winner.refresh_from_db()
    assert winner.laps == 125
    assert "laps is '125' on the site, '124' in the file; kept the site's" in output


def test_merge_twice_changes_nothing_the_second_time(race, tmp_path):
    path = folder(tmp_path, ROWS, FACTS)
    merge(path)
    history = Entry.history.count() + RaceSource.history.count()
    version = data_version()

    output = merge(path)

    assert "Nothing new: the site is up to date." in output
    assert Entry.history.count() + RaceSource.history.count() == history
    assert data_version() == version


def test_merge_dry_run_writes_nothing(race, tmp_path):
    before = Entry.history.count()

    output = merge(folder(tmp_path, ROWS, FACTS), dry_run=True)

    assert "Dry run: nothing written." in output
    assert Entry.history.count() == before
    assert not Source.objects.filter(code="report").exists()


@pytest.mark.parametrize(
    ("gap", "message"),
    [
        ("about a lap", "gap 'about a lap' is not a race time"),
        ("5 laps to GTS winner", "measured to the GTS winner, but this car is in LMP1"),
        ("1:75.000", "has more than 59 seconds"),
    ],
)
def test_merge_refuses_a_malformed_gap_naming_file_and_line(
    race, tmp_path, gap, message
):
    row = f"1,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,{gap},finished,,,report,\n"

    with pytest.raises(CommandError) as refused:
        merge(folder(tmp_path, row))

    assert f"results/01-test.csv, line 2: gap '{gap}'" in str(refused.value)
    assert message in str(refused.value)
    assert race.entries.get(slug="38").laps is None
    assert not Source.objects.filter(code="report").exists()


def test_merge_refuses_an_unknown_source_code_naming_file_and_line(race, tmp_path):
    row = "1,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,,finished,,,report;nowhere,\n"

    with pytest.raises(CommandError) as refused:
        merge(folder(tmp_path, ROWS + row.replace("38", "39")))

    assert "results/01-test.csv, line 7: source 'nowhere' is not one" in str(
        refused.value
    )
    assert race.entries.get(slug="38").laps is None


def test_merge_refuses_a_bad_race_fact_naming_the_line(race, tmp_path):
    facts = FACTS.replace("1:48.710", "fast")

    with pytest.raises(CommandError, match=r"race_facts.csv, line 2: pole_time"):
        merge(folder(tmp_path, ROWS, facts))

    race.refresh_from_db()
    assert race.pole_car_number == ""


def test_import_results_refuses_an_unknown_source_code(race, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        HEADER + "1,1,LMP1,1,38,Team,JJ Lehto,Audi R8,,,124,,finished,,,nowhere,\n"
    )

    with pytest.raises(CommandError, match="line 2: source 'nowhere' is not one"):
        call_command("import_results", path, season=1998, round_number=1)

    assert race.entries.get(slug="38").laps is None
