import datetime

import feedparser
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.models import Race, Story

from .factories import make_classified_race, make_season

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def races():
    """Two reported races, the second later in the season."""
    season = make_season()
    first = make_classified_race(
        season=season, name="American Le Mans at Testville", short_name="Testville"
    )
    story = first.entries.get(slug="7").story
    story.headline = "Werner and Lehto win by a lap"
    story.save()
    last = make_classified_race(
        season=season,
        name="Finale Grand Prix",
        short_name="Finale",
        held_on=datetime.date(1999, 10, 16),
    )
    return first, last


@pytest.mark.parametrize("name", ["races:feed-atom", "races:feed-rss"])
def test_feed_parses_with_every_report_and_story(client, races, name):
    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    reports = Race.objects.exclude(summary="").count()
    assert len(titles) == reports + Story.objects.count()
    assert "Race report: American Le Mans at Testville" in titles
    assert "Testville: Werner and Lehto win by a lap" in titles


def test_feed_is_newest_first(client, races):
    feed = feedparser.parse(client.get(reverse("races:feed-atom")).content)
    assert feed.entries[0].title == "Race report: Finale Grand Prix"


def test_every_page_links_its_feeds(client):
    response = client.get(reverse("races:home"))
    assertContains(response, 'type="application/atom+xml"')
    assertContains(response, 'type="application/rss+xml"')


def test_feed_items_are_sanitised(client, races):
    story = Story.objects.first()
    story.body = "Fine <script>alert(1)</script> text"
    story.save()
    response = client.get(reverse("races:feed-rss"))
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" not in response.content
