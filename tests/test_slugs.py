import pytest

from races.slugs import unique_slug


def never_taken(slug):
    return False


def test_unique_slug_is_made_from_the_name():
    slug = unique_slug("ADT Champion Racing", fallback="team", is_taken=never_taken)
    assert slug == "adt-champion-racing"


def test_unique_slug_spells_accents_in_ascii():
    slug = unique_slug("Lamborghini Murciélago", fallback="car", is_taken=never_taken)
    assert slug == "lamborghini-murcielago"


def test_unique_slug_numbers_a_name_already_taken():
    taken = {"audi", "audi-2"}
    assert unique_slug("Audi", fallback="make", is_taken=taken.__contains__) == (
        "audi-3"
    )


@pytest.mark.parametrize("name", ["***", "!!! ???", "/", "", "東京"])
def test_unique_slug_falls_back_to_a_readable_word(name):
    taken = {"team"}
    assert unique_slug(name, fallback="team", is_taken=taken.__contains__) == "team-2"


def test_unique_slug_fits_a_slug_field():
    name = "Very Long Team Name " * 10
    first = unique_slug(name, fallback="team", is_taken=never_taken)
    slug = unique_slug(name, fallback="team", is_taken={first}.__contains__)
    assert len(first) <= 50 and len(slug) <= 50 and slug.endswith("-2")
    assert not slug.startswith("-") and "--" not in slug
