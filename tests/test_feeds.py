import feedparser
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.models import Race, Story

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["races:feed-atom", "races:feed-rss"])
def test_feed_parses_with_every_report_and_story(client, name):
    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    reports = Race.objects.exclude(summary="").count()
    assert len(titles) == reports + Story.objects.count()
    assert "Race report: American Le Mans at Mid-Ohio" in titles
    assert "Mid-Ohio: Werner and Lehto win by a lap" in titles


def test_feed_is_newest_first(client):
    feed = feedparser.parse(client.get(reverse("races:feed-atom")).content)
    assert feed.entries[0].title == "Race report: Audi Sports Car Championships"


def test_every_page_links_its_feeds(client):
    response = client.get(reverse("races:home"))
    assertContains(response, 'type="application/atom+xml"')
    assertContains(response, 'type="application/rss+xml"')


def test_feed_items_are_sanitised(client):
    story = Story.objects.first()
    story.body = "Fine <script>alert(1)</script> text"
    story.save()
    response = client.get(reverse("races:feed-rss"))
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" not in response.content
