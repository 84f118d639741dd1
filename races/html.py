"""Small pieces of markup used on many pages and in table cells.

Built in Python with format_html: rendering an include for every badge
and crew made them a large share of the page render time.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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
