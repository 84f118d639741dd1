"""Small pieces of markup used on many pages and in table cells.

Built in Python with format_html: rendering an include for every badge
and crew made them a large share of the page render time.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

DRIVERS_NOT_KNOWN = "drivers not known"


def class_badge(car_class) -> SafeString:
    """The class code on the class colour (never colour alone)."""
    return format_html(
        '<span class="class-badge class-{}">{}</span>',
        car_class.code.lower(),
        car_class.code,
    )


def driver_links(drivers) -> SafeString:
    """Each driver's name linked to their page, separated by slashes."""
    return format_html_join(
        " / ",
        '<a href="{}">{}</a>',
        ((driver.get_absolute_url(), driver.full_name) for driver in drivers),
    )


def references(refs) -> SafeString:
    """Footnote links to the sources listed at the foot of the page: '[1][4]'
    on screen, in number order, 'source 1: <title>' to a screen reader."""
    in_order = sorted(refs, key=lambda ref: ref.number)
    return format_html_join(
        "",
        '<a class="ref" href="#{}"><span aria-hidden="true">[</span>'
        '<span class="visually-hidden">source </span>{}'
        '<span class="visually-hidden">: {}</span>'
        '<span aria-hidden="true">]</span></a>',
        ((ref.anchor, ref.number, ref.source) for ref in in_order),
    )


def crew_links(drivers) -> SafeString:
    """A car's drivers linked to their pages, or said plainly to be not known
    when no source names them."""
    if not drivers:
        return format_html('<span class="not-known">{}</span>', DRIVERS_NOT_KNOWN)
    return driver_links(drivers)


def external_link(url: str, text) -> SafeString:
    """`text` linked to a web address elsewhere (http or https only, so a
    stored address can never run script), or just the text without one."""
    if not url.lower().startswith(("https://", "http://")):
        return format_html("{}", text)
    return format_html('<a href="{}" rel="external noopener">{}</a>', url, text)
