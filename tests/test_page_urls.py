import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from races.page_urls import slug_url


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("view_name", "slug", "kwargs"),
    [
        ("races:driver-detail", "jj-lehto", {}),
        ("races:team-detail", "Team_2", {}),
        ("races:car-detail", "audi-r8", {}),
        ("races:circuit-detail", "mid-ohio", {}),
        ("races:race-detail", "mid-ohio", {"year": 2004}),
        ("races:race-detail", "sebring", {"year": 1999}),
    ],
)
def test_slug_url_is_the_address_reverse_gives(view_name, slug, kwargs):
    assert slug_url(view_name, slug, **kwargs) == reverse(
        view_name, kwargs={"slug": slug, **kwargs}
    )


def test_slug_url_follows_the_script_prefix(script_prefix):
    assert slug_url("races:driver-detail", "a") == "/drivers/a/"
    script_prefix("/alms/")
    assert slug_url("races:driver-detail", "a") == "/alms/drivers/a/"


def test_slug_url_of_the_stand_in_slug_is_still_right():
    assert slug_url("races:driver-detail", "slug-stand-in") == (
        "/drivers/slug-stand-in/"
    )


@pytest.mark.parametrize("slug", ["", "a b", "ünïcode", "a/b"])
def test_slug_url_refuses_what_reverse_refuses(slug):
    with pytest.raises(NoReverseMatch):
        slug_url("races:driver-detail", slug)
