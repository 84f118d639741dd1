import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from races import html
from races.markup import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Markdown rendered to sanitised HTML."""
    return render_markdown(text)


register.filter("class_badge", html.class_badge)
register.filter("driver_links", html.driver_links)
register.filter("crew_links", html.crew_links)
register.filter("references", html.references)
register.filter("external_link", html.external_link)
register.filter("standing_cells", html.standing_cells)
register.filter("round_headings", html.round_headings)
register.filter("round_names", html.round_names)
register.filter("number_cells", html.number_cells)


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


@register.filter
def percent(share) -> str:
    """0.70 -> '70%'."""
    return f"{share * 100:.0f}%"


LAYOUT_WHITESPACE = re.compile(r"[ \t\r\n]+")


class CaptureNode(template.Node):
    def __init__(self, nodelist, variable):
        self.nodelist = nodelist
        self.variable = variable

    def render(self, context):
        # Rendered template output is already escaped. Runs of layout
        # whitespace become one space, so a block may span several lines.
        output = mark_safe(
            LAYOUT_WHITESPACE.sub(" ", self.nodelist.render(context)).strip()
        )
        context[self.variable] = output
        return output


@register.tag
def capture(parser, token):
    """`{% capture name %}…{% endcapture %}` renders its content on one line and
    keeps it in `name`, so base.html can reuse a page's title block in its meta
    tags."""
    try:
        _, variable = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("capture takes one variable name") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, variable)


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> str:
    """A schema.org JSON-LD block, escaped so no value can close the script."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


@register.filter
def without(items, excluded):
    """The items except one, e.g. a driver's co-drivers: `drivers|without:driver`."""
    return [item for item in items if item != excluded]
