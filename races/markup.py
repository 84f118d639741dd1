"""Markdown written by editors, rendered to HTML that is safe to publish."""

import functools

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """Markdown rendered to HTML with every tag outside a short list removed.

    Cached by text: the same stories are rendered on every page view.
    """
    html = markdown_lib.markdown(text or "")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES))
