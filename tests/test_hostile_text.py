"""No text in the database makes a public page, feed, sheet, card or API fail.

Hostile text is written straight into every text field through the ORM,
as old rows or a raw import could hold it, and then every public URL that
shows it is requested. Editors' forms refuse the control characters.
"""

import io
import json
import re
import time
import xml.etree.ElementTree as ElementTree

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from pytest_django.asserts import assertContains

from races.markup import render_markdown
from races.models import (
    CarClass,
    CarModel,
    Circuit,
    ClassRegulation,
    Driver,
    Entry,
    Manufacturer,
    PointsScale,
    Race,
    Season,
    Story,
    Team,
)

from .factories import (
    admin_form_data,
    car_class,
    make_car_model,
    make_circuit,
    make_driver,
    make_entry,
    make_points_scale,
    make_race,
    make_season,
    make_team,
    unique,
)

pytestmark = pytest.mark.django_db

CONTROLS = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32), 127]))

HOSTILE = {
    "control characters": f"a{CONTROLS}b",
    "right-to-left override": "Team \u202eliveS\u202c Racing",
    "zero-width characters": "Jo\u200dhn\u200b Sm\u200cith\ufeff\u2060",
    "stacked combining marks": "Z" + "\u0301\u0336\u0489" * 50,
    "emoji with joiners": "\U0001f468\u200d\U0001f469\u200d\U0001f467\U0001f3c1",
    "a very long word": "W" * 5000,
    "markup": "<script>alert('x')</script><b>bold</b>",
    "template syntax": "{{ request }} {% now 'Y' %} {# c #} %s %(name)s {0}",
    "markdown and html": (
        "# Title\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> "
        "**b** <iframe src=//evil.example></iframe>\n\n```\ncode\n```"
    ),
    "line breaks and tabs": "one\ttwo\r\nthree\rfour\n\u2028five\u2029six\x85",
    "noncharacters and private use": "\ufffe\uffff\ue000\U0010fffd",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# NUL and lone surrogates cannot be stored (PostgreSQL refuses NUL, and
# neither database takes a lone surrogate); the forms must refuse them.

# Text fields that must stay a code, a slug or a checked format; the database
# or other tests guard them.
FORMAT_FIELDS = {(CarClass, "colour"), (PointsScale, "points")}

# Fields of the models behind public pages.
MODELS = [
    Season,
    Circuit,
    CarClass,
    ClassRegulation,
    Manufacturer,
    CarModel,
    Team,
    Driver,
    Race,
    Entry,
    Story,
    PointsScale,
]


def hostile_fields(model) -> list[models.Field]:
    """The model's free-text fields: not slugs, choices or checked formats."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and (model, field.name) not in FORMAT_FIELDS
    ]


def fill_with(value: str, objects, skip=()) -> None:
    """Write the value into every free-text field, without validation."""
    for obj in objects:
        model = type(obj)
        update = {
            field.name: value[: field.max_length] if field.max_length else value
            for field in hostile_fields(model)
            if field.name not in skip
        }
        model.objects.filter(pk=obj.pk).update(**update)


def hostile_world(value: str) -> dict:
    """A season with one race, two cars, a story and regulations, all text hostile."""
    season = make_season(1998)
    scale = make_points_scale(season=season)
    circuit = make_circuit()
    race = make_race(season=season, circuit=circuit, points_scale=scale)
    car = make_car_model(unique("Car"), unique("Make"))
    team = make_team()
    drivers = [make_driver(), make_driver()]
    winner = make_entry(
        race, "LMP1", position=1, laps=100, team=team, car_model=car, drivers=drivers
    )
    retired = make_entry(
        race,
        "GT",
        car_number="",  # car numbers are unique in a race
        position=2,
        laps=80,
        status=Entry.Status.RETIRED,
        reason="x",
    )
    story = Story.objects.create(entry=winner, headline="h", body="b")
    regulation = ClassRegulation.objects.create(
        season=season, car_class=car_class("LMP1")
    )
    regulation.example_cars.add(car)
    fill_with(
        value,
        [
            season,
            scale,
            circuit,
            car_class("LMP1"),
            car_class("GT"),
            car.manufacturer,
            car,
            team,
            *drivers,
            race,
            winner,
            story,
            regulation,
        ],
    )
    fill_with(value, [retired], skip={"car_number"})
    return {
        "race": race,
        "team": team,
        "car": car,
        "drivers": drivers,
        "circuit": circuit,
    }


def race_urls(race) -> list[str]:
    kwargs = {"year": race.season.year, "slug": race.slug}
    return [
        reverse("races:race-detail", kwargs=kwargs),
        reverse("races:race-results-print", kwargs=kwargs),
        *(
            reverse("races:race-results-export", kwargs={**kwargs, "format": format})
            for format in ("csv", "xlsx", "json")
        ),
    ]


def public_urls(world: dict) -> list[str]:
    """Every public page, feed, sheet and API answer that shows the world's text."""
    race = world["race"]
    year = race.season.year
    return [
        "/",
        reverse("races:season-detail", kwargs={"year": year}),
        reverse("races:standings", kwargs={"year": year}),
        reverse("races:standings-print", kwargs={"year": year}),
        *race_urls(race),
        reverse("races:regulations"),
        reverse("races:regulations-print"),
        reverse("races:class-colours"),
        reverse("races:driver-list"),
        *(driver.get_absolute_url() for driver in world["drivers"]),
        world["team"].get_absolute_url(),
        world["circuit"].get_absolute_url(),
        world["car"].get_absolute_url(),
        reverse("races:feed-rss"),
        reverse("races:feed-atom"),
        reverse("sitemap"),
        "/api/seasons",
        f"/api/seasons/{year}",
        f"/api/races?season={year}",
        f"/api/races/{year}/{race.slug}",
        "/api/drivers",
        *(f"/api/drivers/{driver.slug}" for driver in world["drivers"]),
        "/api/teams",
        f"/api/teams/{world['team'].slug}",
        f"/api/standings/{year}",
        "/api/openapi.json",
        reverse("api-docs"),
    ]


def assert_readable(response, url: str) -> None:
    """The answer is a well-formed document of its type."""
    content_type = response["Content-Type"]
    if content_type.startswith("text/html"):
        assert "<script>alert" not in response.content.decode(), url
    elif content_type.startswith(XLSX):
        openpyxl.load_workbook(io.BytesIO(response.content))
    elif re.match(r"(application|text)/([a-z]+\+)?xml", content_type):
        ElementTree.fromstring(response.content)
    elif content_type.startswith("application/json"):
        json.loads(response.content)


def assert_answers(client, url: str):
    """The response, which is no server error and runs none of the markup."""
    response = client.get(url)
    assert response.status_code < 500, url
    assert_readable(response, url)
    return response


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_breaks_no_public_url(client, name):
    world = hostile_world(HOSTILE[name])
    for url in public_urls(world):
        assert_answers(client, url)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_search_query_is_answered(client, name):
    hostile_world(HOSTILE[name])
    response = assert_answers(client, f"{reverse('races:search')}?q=a")
    assert response.status_code == 200
    response = client.get(reverse("races:search"), {"q": HOSTILE[name]})
    assert response.status_code in {200, 400}


def test_search_query_with_nul_is_answered(client):
    response = client.get(reverse("races:search"), {"q": "Lu\x00hr"})
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("name", ["markup", "template syntax", "markdown and html"])
def test_hostile_markup_is_escaped_on_pages(client, name):
    world = hostile_world(HOSTILE[name])
    for url in race_urls(world["race"])[:2]:
        content = assert_answers(client, url).content.decode()
        assert "&lt;script&gt;alert" in content or name != "markup"
        assert "<img src=x" not in content
        assert "<iframe" not in content
        assert 'href="javascript:' not in content


def test_template_syntax_in_data_is_shown_not_run(client):
    world = hostile_world(HOSTILE["template syntax"])
    content = assert_answers(client, race_urls(world["race"])[0]).content.decode()
    assert "{{ request }} {% now &#x27;Y&#x27; %}" in content


def test_feeds_of_text_with_control_characters_are_well_formed_xml(client):
    world = hostile_world(
        HOSTILE["control characters"]
        + HOSTILE["noncharacters and private use"]
        + HOSTILE["markup"]
    )
    for name in ("races:feed-rss", "races:feed-atom"):
        response = assert_answers(client, reverse(name))
        assert response.status_code == 200
        ElementTree.fromstring(response.content)  # parses
    assert world


@pytest.mark.slow
def test_every_sitemap_url_answers_with_hostile_text(client):
    hostile_world("".join(HOSTILE.values()))
    sitemap = assert_answers(client, reverse("sitemap")).content.decode()
    urls = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", sitemap)
    assert len(urls) > 50
    for url in urls:
        assert_answers(client, url)
    for race in Race.objects.select_related("season"):
        for url in race_urls(race)[1:]:
            assert_answers(client, url)


@pytest.mark.slow
def test_sheets_and_card_render_hostile_text(client):
    race = hostile_world("".join(HOSTILE.values()))["race"]
    kwargs = {"year": race.season.year, "slug": race.slug}
    urls = [
        reverse("races:race-results-pdf", kwargs=kwargs),
        reverse("races:race-results-pdf", kwargs=kwargs) + "?paper=letter",
        reverse("races:race-card", kwargs=kwargs),
        reverse("races:standings-pdf", kwargs={"year": race.season.year}),
    ]
    for url in urls:
        response = assert_answers(client, url)
        assert response.status_code == 200, url
        assert response.content.startswith((b"%PDF-", b"\x89PNG")), url


# Editors' input


@pytest.mark.parametrize("model", MODELS)
def test_fixture_rows_pass_the_control_character_check(model):
    rows = list(model.objects.all())
    assert rows, f"the fixtures hold no {model.__name__} to check"
    for obj in rows:
        obj.clean_fields()  # raises ValidationError on a control character


def test_team_admin_refuses_a_control_character(editor_client):
    response = editor_client.post(
        reverse("admin:races_team_add"), {"name": "Bell\x07 Racing", "slug": "bell"}
    )
    assertContains(response, "invisible control character (code U+0007)")
    assert not Team.objects.filter(slug="bell").exists()


def test_team_admin_refuses_a_nul_character(editor_client):
    response = editor_client.post(
        reverse("admin:races_team_add"), {"name": "Bell\x00 Racing", "slug": "bell"}
    )
    assertContains(response, "Null characters are not allowed.")
    assert not Team.objects.filter(slug="bell").exists()


def test_race_admin_refuses_a_control_character_and_keeps_the_race(editor_client):
    race = make_race(name="Test Grand Prix")
    url = reverse("admin:races_race_change", args=[race.pk])
    data = admin_form_data(editor_client.get(url))
    data["name"] = "Test\x1b[31m Grand Prix"
    response = editor_client.post(url, data)
    assertContains(response, "invisible control character (code U+001B)")
    race.refresh_from_db()
    assert race.name == "Test Grand Prix"


def test_line_breaks_and_tabs_are_allowed_in_multi_line_text():
    race = make_race()
    entry = make_entry(race)
    story = Story(entry=entry, headline="Fine", body="One.\n\n\tTwo.\r\n")
    story.full_clean()


@pytest.mark.parametrize("text", ["Two\nlines", "Tab\there", "Bell\x07", "\x7f"])
def test_one_line_text_refuses_line_breaks_and_controls(text):
    team = Team(name=text, slug="fine")
    with pytest.raises(ValidationError) as error:
        team.full_clean()
    assert list(error.value.message_dict) == ["name"]


def test_multi_line_text_refuses_a_lone_surrogate():
    race = make_race()
    story = Story(entry=make_entry(race), headline="h", body="a\ud800b")
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert list(error.value.message_dict) == ["body"]


# Markdown that is costly to parse


def test_story_of_deeply_nested_lists_shows_on_the_race_page(client):
    race = make_race()
    entry = make_entry(race, position=1)
    nested = "".join("    " * depth + "- deeper\n" for depth in range(400))
    Story.objects.create(entry=entry, headline="Deep", body=nested)
    response = assert_answers(client, race.get_absolute_url())
    assertContains(response, "deeper")


@pytest.mark.parametrize("token", ["![", "[^", "[]("])
def test_markdown_of_thousands_of_brackets_renders_in_linear_time(token):
    started = time.perf_counter()
    render_markdown(token * (20_000 // len(token)))
    assert time.perf_counter() - started < 5
