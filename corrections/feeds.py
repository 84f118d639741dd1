"""The Atom feed of the public changelog (corrections/changelog.py)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from races.text import xml_safe

from . import changelog

FEED_LENGTH = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "ALMS 2004: changes to the results"
    link = reverse_lazy("corrections:changelog")
    subtitle = "What the editors changed in the results, and the sources fans sent."

    def items(self):
        return changelog.items(changelog.changes()[:FEED_LENGTH])

    def item_title(self, item):
        page = f" ({item.page_label})" if item.page_label else ""
        return xml_safe(f"{item.title}{page}")

    def item_description(self, item):
        lines = list(item.lines)
        if item.correction is not None:
            lines.append(f"Source: {item.correction.source}")
            if item.correction.credit:
                lines.append(f"Sent by {item.correction.credit}")
        # The feed generator escapes this text; it is never read as markup.
        return xml_safe("; ".join(lines) or item.title)

    def item_link(self, item):
        return item.page_url or str(self.link)

    def item_guid(self, item):
        return f"{item.anchor}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.changed_at

    def item_updateddate(self, item):
        return item.changed_at
