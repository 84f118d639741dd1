"""The addresses of the many drivers, teams, cars and races one page links to.

The standings page links about 150 of them and a race page over a hundred;
reverse() took 12 µs each, a tenth of a render. Here each view's address is
reversed once with a stand-in slug (per script prefix and URLconf, which is
all reverse() reads besides its arguments), and each page's slug then goes
in its place: the same address reverse() gives, as a slug needs no quoting.

The URLconf is the site's ROOT_URLCONF: no middleware here sets one per
request (reading the per-request one took longer than the rest together).
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, reverse

# What Django's slug path converter accepts.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
STAND_IN = "slug-stand-in"


def slug_url(view_name: str, slug: str, **kwargs) -> str:
    """reverse(view_name, kwargs={"slug": slug, **kwargs}), e.g. a driver's
    page or, with `year`, a race's."""
    if not SLUG.fullmatch(slug):
        # Let reverse() say why it cannot.
        return reverse(view_name, kwargs={"slug": slug, **kwargs})
    before, after = around_slug(
        view_name,
        tuple(sorted(kwargs.items())),
        get_script_prefix(),
        settings.ROOT_URLCONF,
    )
    return f"{before}{slug}{after}"


@functools.lru_cache(maxsize=256)
def around_slug(
    view_name: str, kwargs: tuple, script_prefix: str, urlconf: str
) -> tuple[str, str]:
    """The view's address before and after its slug."""
    url = reverse(view_name, urlconf=urlconf, kwargs={"slug": STAND_IN, **dict(kwargs)})
    before, _, after = url.rpartition(STAND_IN)
    return before, after
