import pytest
from pytest_django.asserts import assertContains, assertNotContains

from races.templatetags.race_tags import markdown, ordinal

from .factories import make_classified_race

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<p onclick="alert(1)">hi</p>', "onclick"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p style="position:fixed">hi</p>', "style="),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
    ],
)
def test_markdown_removes_scripts_handlers_styles_and_javascript_links(text, forbidden):
    assert forbidden not in markdown(text)


def test_markdown_keeps_emphasis_and_ordinary_links():
    html = markdown("*fast* [Audi](https://www.audi.com)")
    assert "<em>fast</em>" in html
    assert 'href="https://www.audi.com"' in html


def test_story_with_a_script_shows_on_the_race_page_without_it(client):
    race = make_classified_race()
    story = race.entries.get(slug="7").story
    story.body = 'Fast. <script>alert("x")</script> <b onmouseover="x()">bold</b>'
    story.save()
    response = client.get(race.get_absolute_url())
    assertContains(response, "Fast.")
    assertNotContains(response, 'alert("x")')
    assertNotContains(response, "onmouseover")


def test_ordinal_suffixes():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 22, None)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "22nd",
        "–",
    ]
