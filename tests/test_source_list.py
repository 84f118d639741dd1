"""Reading SOURCES.md's tables and the `src` column's codes."""

import datetime
from decimal import Decimal

import pytest

from races.source_list import SourceListError, read_source_list, resolve_codes
from races.timing import average_speed_mph, format_gap_time, format_time, parse_time

TABLES = """
| code | URL |
|---|---|
| wiki-season | https://en.wikipedia.org/wiki/2004_American_Le_Mans_Series (and mirror https://mirror.example/2004.html) |
| shop-endurance | https://www.porsche.at/history/2000er/2004-langstrecken-rennen |

| code | where | what it gave |
|---|---|---|
| shop-gt | https://www.porsche.at/.../2000er/2004-gt-klassen | GT titles |
| eins-alms4 / -alms5 | http://gt-eins.de/alms/alms4.html , alms5.html | withdrawals |
| file | a public source file (repository unknown) | poles |
"""  # noqa: E501


def test_source_list_reads_both_table_layouts_and_mirrors():
    sources = read_source_list(TABLES)

    season = sources["wiki-season"]
    assert season.url == "https://en.wikipedia.org/wiki/2004_American_Le_Mans_Series"
    assert season.other_urls == ("https://mirror.example/2004.html",)
    assert season.title == "2004 American Le Mans Series"
    assert season.publisher == "Wikipedia (English)"
    assert sources["file"].title == "A public source file"
    assert sources["file"].gave == "poles"


def test_source_list_splits_a_row_of_several_codes_with_relative_urls():
    sources = read_source_list(TABLES)

    assert sources["eins-alms4"].url == "http://gt-eins.de/alms/alms4.html"
    assert sources["eins-alms5"].url == "http://gt-eins.de/alms/alms5.html"
    assert sources["eins-alms5"].gave == "withdrawals"


def test_source_list_completes_a_shortened_url_from_the_same_site():
    sources = read_source_list(TABLES)

    assert sources["shop-gt"].url == (
        "https://www.porsche.at/history/2000er/2004-gt-klassen"
    )


def test_src_cell_resolves_notes_and_aliases_in_order():
    known = {"dewiki", "cavac-enwiki-2004_Grand_Prix_of_Mosport"}

    refs = resolve_codes("dewiki(row truncated);cavac;dewiki", known)

    assert refs == [
        ("dewiki", "row truncated"),
        ("cavac-enwiki-2004_Grand_Prix_of_Mosport", ""),
    ]


def test_src_cell_with_an_unknown_code_is_refused():
    with pytest.raises(SourceListError, match="source 'elsewhere' is not in the list"):
        resolve_codes("dewiki;elsewhere", {"dewiki"})


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1:48.710", "1:48.710"), ("12:01:22.576", "12:01:22.576"), ("47.962", "47.962")],
)
def test_times_read_and_print_as_on_a_timing_sheet(text, shown):
    assert format_time(parse_time(text)) == shown


def test_short_gaps_print_in_seconds():
    assert format_gap_time(parse_time("1.4")) == "1.4 s"
    assert format_gap_time(parse_time("1:08.446")) == "1:08.446"


def test_average_speed_is_distance_over_time():
    # 124 laps of 2.25 miles in 2:45:13.916 is 279 miles in 2.7539 hours.
    time = datetime.timedelta(hours=2, minutes=45, seconds=13.916)
    assert str(average_speed_mph(124, Decimal("2.25"), time)) == "101.3"
    assert average_speed_mph(0, Decimal("2.25"), time) is None


def test_the_lists_own_remark_on_a_code_is_no_note_of_the_row():
    refs = resolve_codes("zoompics-2004almo(seed)", {"zoompics-2004almo"})

    assert refs == [("zoompics-2004almo", "")]
