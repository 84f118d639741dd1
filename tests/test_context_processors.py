import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from races import context_processors
from races.models import Season

from .factories import make_season

pytestmark = pytest.mark.django_db

REGULATIONS = reverse("races:regulations")


def calendar_link(year: int) -> str:
    return f'href="{reverse("races:season-detail", kwargs={"year": year})}"'


@pytest.fixture(autouse=True)
def restore_known_year(monkeypatch):
    """The year is kept in process memory: put back what the test changes."""
    for key, value in context_processors.known.items():
        monkeypatch.setitem(context_processors.known, key, value)


def test_header_links_the_latest_season(client):
    assertContains(client.get(REGULATIONS), calendar_link(2004))


def test_header_reads_no_query_once_the_year_is_known(
    client, django_assert_num_queries
):
    context_processors.current_season_year()
    with django_assert_num_queries(0):
        assert context_processors.current_season_year() == 2004


def test_new_season_shows_in_the_header_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_season(2005)
    assertContains(client.get(REGULATIONS), calendar_link(2005))


def test_other_process_adding_a_season_shows_in_the_header(client):
    make_season(2005)
    cache.set(context_processors.SEASONS_CHANGED_KEY, "marker of the other process")
    assertContains(client.get(REGULATIONS), calendar_link(2005))


def test_header_leaves_out_season_links_with_no_season(client, empty_database):
    assert not Season.objects.exists()
    context_processors.read_current_season_year(marker=None)
    response = client.get(REGULATIONS)
    assertNotContains(response, "Calendar</a>")
    assertContains(response, "Drivers</a>")
