"""RSS and Atom feeds of race reports and driver stories."""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .markup import render_markdown
from .models import Race, Story
from .text import xml_safe


@dataclass
class FeedItem:
    title: str
    body_html: str
    link: str
    published_at: datetime.datetime | None


def race_day(race) -> datetime.datetime | None:
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
    stories = Story.objects.select_related("race__season", "entry")
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


class ReportsFeed(Feed):
    title = "ALMS 2004: race reports and stories"
    link = reverse_lazy("races:home")
    description = (
        "Race reports of the 2004 American Le Mans Series and the story of each car."
    )

    def items(self):
        return feed_items()

    # Editors' text may hold characters XML cannot (old rows, raw imports).
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.body_html)

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.published_at


class ReportsAtomFeed(ReportsFeed):
    feed_type = Atom1Feed
    subtitle = ReportsFeed.description
