import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br"}


@register.filter
def markdown(text: str) -> str:
    """Markdown rendered to HTML with every tag outside a short list removed."""
    html = markdown_lib.markdown(text or "")
    return mark_safe(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}})
    )


@register.filter
def ordinal(number) -> str:
    """1 -> '1st', 22 -> '22nd'; an unknown number stays a dash."""
    if number in (None, ""):
        return "–"
    number = int(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
