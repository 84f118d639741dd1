"""Slugs made from names: readable, never empty, unique where they must be.

The importer and the models' save() both use `unique_slug`, so that a name
such as '***' or '東京' can never leave a row without a link.
"""

import itertools
from collections.abc import Callable

from django.utils.text import slugify

SLUG_MAX_LENGTH = 50  # a SlugField's default


def name_slug(name: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """'ADT Champion Racing' -> 'adt-champion-racing'; '' when the name has no
    letter or digit that can be spelt in ASCII ('***', '東京')."""
    return slugify(name)[:max_length].strip("-")


def unique_slug(
    name: str,
    *,
    fallback: str,
    is_taken: Callable[[str], bool],
    max_length: int = SLUG_MAX_LENGTH,
) -> str:
    """The slug of `name`, or `fallback` ('team') when it has none, numbered
    ('audi-2', 'team-3') until `is_taken` accepts it."""
    base = name_slug(name, max_length) or fallback
    if not is_taken(base):
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if not is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")  # count() never ends


def has_letters_or_digits(name: str) -> bool:
    return any(character.isalnum() for character in name)
