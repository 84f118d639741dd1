"""Markdown written by editors, rendered to HTML that is safe to publish.

markdown-it-py parses in about linear time and caps nesting, so no text an
editor writes can make a page slow or fail: Python-Markdown took minutes
over a few thousand brackets and raised RecursionError on deep lists.
"""

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

MARKDOWN = MarkdownIt("commonmark")
# Every link becomes a link, and nh3 alone decides which addresses are safe
# (javascript: is dropped), as it does for links written in HTML.
MARKDOWN.validateLink = lambda url: True


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """Markdown rendered to HTML with every tag outside a short list removed.

    Cached by text: the same stories are rendered on every page view.
    """
    html = MARKDOWN.render(text or "")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES))
