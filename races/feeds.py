"""RSS and Atom feeds of race reports and driver stories."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .results import feed_items
from .text import xml_safe


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
