"""Fans' suggestion form: what it asks, what it refuses, and its spam defences."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from corrections import about, spam
from corrections.models import Correction

from .factories import make_driver, make_editor, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture(autouse=True)
def no_wait(settings):
    """Tests send at once; the minimum fill time has tests of its own."""
    settings.CORRECTIONS_MIN_FILL_SECONDS = 0
    settings.CORRECTIONS_RATE_LIMIT = (5, 3600)


@pytest.fixture
def race():
    return make_race(short_name="Mosport", completeness="partial")


@pytest.fixture
def unnumbered(race):
    return make_entry(race, "GT", slug="lehto", car_number="", laps=None)


def editor_with_email():
    editor = make_editor("maria")
    editor.email = "maria@example.org"
    editor.save()
    return editor


def form_url(thing) -> str:
    return f"{reverse('corrections:correction-new')}?about={about.reference_for(thing)}"


def shown_ago(seconds: float) -> str:
    return signing.dumps(time.time() - seconds, salt=spam.SALT)


def suggestion(target, **overrides) -> dict:
    data = {
        "target": about.reference_for(target),
        "field_choice": "",
        "problem": "The car number is missing.",
        "proposed_value": "16",
        "source": "Official race programme, page 12",
        "credit_name": "",
        "email": "",
        "website": "",
        "shown_at": shown_ago(60),
    }
    data.update(overrides)
    return data


def test_race_page_links_to_the_form_about_the_race(client, race):
    response = client.get(race.get_absolute_url())
    assertContains(response, 'href="/corrections/new/?about=race%3A1999/')
    assertContains(response, "Suggest a correction or a missing fact")


def test_driver_page_links_to_the_form_about_the_driver(client):
    driver = make_driver("Lehto", slug="jj-lehto")
    response = client.get(driver.get_absolute_url())
    assertContains(response, "?about=driver%3Ajj-lehto")


def test_team_car_and_circuit_pages_link_to_the_form_about_them(client, unnumbered):
    for thing, kind in [
        (unnumbered.team, "team"),
        (unnumbered.car_model, "car"),
        (unnumbered.race.circuit, "circuit"),
    ]:
        response = client.get(thing.get_absolute_url())
        assertContains(response, f"?about={kind}%3A{thing.slug}")
        assert client.get(form_url(thing)).status_code == 200


def test_a_season_reference_is_accepted_for_the_coverage_page(client, race):
    response = client.get(form_url(race.season))
    assertContains(response, "The 1999 season")


def test_form_names_the_race_and_offers_each_of_its_cars(client, race, unnumbered):
    response = client.get(form_url(race))
    assertContains(response, race.name)
    assertContains(response, f'value="{about.reference_for(unnumbered)}"')
    assertContains(response, "Number not known")
    assertContains(response, 'value="entry.car_number"')


def test_reference_of_an_entry_finds_it(unnumbered):
    reference = about.reference_for(unnumbered)
    assert reference == f"entry:1999/{unnumbered.race.slug}/lehto"
    assert about.resolve(reference) == unnumbered


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "race",
        "race:",
        "race:1999",
        "planet:earth",
        "driver:a b",
        "race:x/y",
        "x" * 500,
    ],
)
def test_malformed_reference_gets_a_400_page(client, reference):
    response = client.get(reverse("corrections:correction-new"), {"about": reference})
    assert response.status_code == 400
    assertContains(response, "can't tell which page", status_code=400)


def test_unknown_reference_gets_a_404_page(client):
    response = client.get(
        reverse("corrections:correction-new"), {"about": "driver:nobody-at-all"}
    )
    assertContains(response, "driver:nobody-at-all", status_code=404)


def test_suggestion_is_saved_and_the_fan_gets_its_number(client, race, unnumbered):
    data = suggestion(unnumbered, field_choice="entry.car_number")
    response = client.post(form_url(race), data, follow=True)
    correction = Correction.objects.get()
    assert correction.target == about.reference_for(unnumbered)
    assert correction.about == about.reference_for(race)
    assert correction.field == "car_number"
    assert correction.value_when_sent == "empty"
    assert correction.status == Correction.Status.NEW
    assertContains(response, f"#{correction.pk}")
    assertContains(response, "What happens next")


def test_sent_page_refuses_a_made_up_token(client):
    url = reverse("corrections:correction-sent", kwargs={"token": "made-up"})
    assert client.get(url).status_code == 404


def test_source_is_required_and_the_input_is_kept(client, race):
    data = suggestion(race, source="", proposed_value="Round six")
    response = client.post(form_url(race), data)
    assertContains(response, "This field is required", status_code=400)
    assertContains(response, 'value="Round six"', status_code=400)
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    "source",
    ["javascript:alert(1)", "http://", "ftp://example.org/x", "www.no spaces.org"],
)
def test_a_source_that_is_not_a_web_link_or_a_citation_is_refused(client, race, source):
    response = client.post(form_url(race), suggestion(race, source=source))
    assertContains(response, "http:// or https://", status_code=400)
    assert not Correction.objects.exists()


def test_a_web_link_source_is_kept_and_never_fetched(client, race, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the site must not fetch sources")

    monkeypatch.setattr("socket.create_connection", no_network)
    url = "https://example.org/alms/2004/mosport-results.pdf"
    client.post(form_url(race), suggestion(race, source=url))
    assert Correction.objects.get().source == url


def test_a_proposed_value_the_field_cannot_hold_is_refused(client, race, unnumbered):
    data = suggestion(unnumbered, field_choice="entry.laps", proposed_value="many")
    response = client.post(form_url(race), data)
    assertContains(response, "Not a possible laps", status_code=400)


def test_a_car_field_needs_a_car(client, race, unnumbered):
    data = suggestion(race, field_choice="entry.car_number")
    response = client.post(form_url(race), data)
    assertContains(response, "belongs to a car", status_code=400)


def test_a_car_of_another_race_cannot_be_picked(client, race):
    other = make_entry(make_race(), slug="77", car_number="77")
    response = client.post(form_url(race), suggestion(other))
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_without_a_field_the_problem_must_be_described(client, race):
    response = client.post(form_url(race), suggestion(race, problem=""))
    assertContains(response, "Say what is wrong or missing", status_code=400)


def test_credit_consent_needs_a_name(client, race):
    data = suggestion(race, is_credit_consented="on")
    response = client.post(form_url(race), data)
    assertContains(response, "Give the name to credit", status_code=400)


@pytest.mark.parametrize(
    ("field", "size"),
    [
        ("problem", 2001),
        ("proposed_value", 201),
        ("source", 501),
        ("credit_name", 81),
        ("email", 255),
    ],
)
def test_every_field_has_a_size_limit(client, race, field, size):
    value = "a" * size if field != "email" else "a" * (size - 12) + "@example.org"
    response = client.post(form_url(race), suggestion(race, **{field: value}))
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_control_characters_are_refused(client, race):
    response = client.post(form_url(race), suggestion(race, proposed_value="16\x07"))
    assertContains(response, "U+0007", status_code=400)


def test_the_form_shows_its_errors_in_a_summary_linked_to_the_fields(client, race):
    response = client.post(form_url(race), suggestion(race, source=""))
    assertContains(response, 'href="#id_source"', status_code=400)
    assertContains(response, 'aria-invalid="true"', status_code=400)


def test_honeypot_filled_in_is_refused(client, race):
    data = suggestion(race, website="http://spam.example")
    response = client.post(form_url(race), data)
    assertContains(response, "field people never see", status_code=400)
    assert not Correction.objects.exists()


def test_a_form_sent_faster_than_a_person_reads_is_refused(client, race, settings):
    settings.CORRECTIONS_MIN_FILL_SECONDS = 3
    response = client.post(form_url(race), suggestion(race, shown_at=shown_ago(1)))
    assertContains(response, "faster than anyone", status_code=400)
    assert not Correction.objects.exists()


def test_a_form_kept_open_a_while_is_taken(client, race, settings):
    settings.CORRECTIONS_MIN_FILL_SECONDS = 3
    client.post(form_url(race), suggestion(race, shown_at=shown_ago(5)))
    assert Correction.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    ["", "forged", signing.dumps("x", salt="other")],
    # Named, not shown: the signed token holds the time, and every process
    # (pytest-xdist) must collect the same tests.
    ids=["empty", "unsigned", "signed for another purpose"],
)
def test_a_forged_fill_time_is_refused(client, race, token):
    response = client.post(form_url(race), suggestion(race, shown_at=token))
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_a_flood_from_one_address_gets_429(client, race):
    for _ in range(5):
        client.post(form_url(race), suggestion(race))
    response = client.post(form_url(race), suggestion(race))
    assertContains(response, "Too many suggestions", status_code=429)
    assert Correction.objects.count() == 5


def test_refused_sends_count_towards_the_limit(client, race):
    for _ in range(5):
        client.post(form_url(race), suggestion(race, website="spam"))
    assert client.post(form_url(race), suggestion(race)).status_code == 429


def test_the_limit_is_per_address(client, race):
    for _ in range(6):
        client.post(form_url(race), suggestion(race), REMOTE_ADDR="192.0.2.1")
    response = client.post(form_url(race), suggestion(race), REMOTE_ADDR="192.0.2.2")
    assert response.status_code == 302


def test_the_limit_is_counted_in_the_shared_cache(client, race):
    client.post(form_url(race), suggestion(race), REMOTE_ADDR="192.0.2.9")
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
    assert cache.get(spam.rate_key(request)) == 1


def test_new_suggestion_emails_the_editors(
    client, race, mailoutbox, django_capture_on_commit_callbacks
):
    editor_with_email()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(race), suggestion(race, email="fan@example.org"))
    correction = Correction.objects.get()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["maria@example.org"]
    assert f"#{correction.pk}" in message.subject
    assert f"/admin/corrections/correction/{correction.pk}/change/" in message.body


def test_a_refused_suggestion_sends_no_email(
    client, race, mailoutbox, django_capture_on_commit_callbacks
):
    editor_with_email()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(race), suggestion(race, source=""))
    assert mailoutbox == []


def test_a_mail_server_that_is_down_does_not_fail_the_fan(
    client, race, settings, django_capture_on_commit_callbacks
):
    smtp = {"host": "127.0.0.1", "port": 9, "timeout": 2}
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": smtp,
        }
    }
    editor_with_email()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(race), suggestion(race))
    assert response.status_code == 302
    assert Correction.objects.count() == 1


HOSTILE_POSTS = [
    {},
    {"target": "race:9999/nowhere"},
    {"field_choice": "entry.password"},
    {"field_choice": "race.."},
    {"proposed_value": "\x00"},
    {"problem": "<script>alert(1)</script>" * 100},
    {"shown_at": "a" * 5000},
    {"target": ["a", "b"]},
    {"email": "not an email"},
    {"source": "https://" + "a" * 490},
]


@pytest.mark.parametrize("extra", HOSTILE_POSTS)
def test_nothing_a_visitor_sends_causes_a_server_error(client, race, extra):
    data = {**suggestion(race), **extra} if extra else {}
    response = client.post(form_url(race), data)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "query",
    ["about=%00", "about=race:%ff%fe", "about=entry:1999/a/b", "about=" + "r" * 10000],
)
def test_odd_query_strings_never_cause_a_server_error(client, query):
    response = client.get(f"{reverse('corrections:correction-new')}?{query}")
    assert response.status_code in (400, 404)


def test_markup_in_a_suggestion_is_shown_as_text(client, race):
    data = suggestion(race, proposed_value="<b>16</b>")
    response = client.post(form_url(race), {**data, "source": ""})
    assertContains(response, "&lt;b&gt;16&lt;/b&gt;", status_code=400)
    assertNotContains(response, "<b>16</b>", status_code=400)


def test_public_pages_stay_cookie_free_and_cached_with_the_suggestion_link(
    client, race, django_assert_num_queries
):
    first = client.get(race.get_absolute_url())
    assertContains(first, "Suggest a correction")
    assert not first.cookies
    assert "csrfmiddlewaretoken" not in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(race.get_absolute_url())
    assert not second.cookies
    assert second.content == first.content


def test_the_form_page_has_a_csrf_token_and_is_never_cached(client, race):
    first = client.get(form_url(race))
    assertContains(first, "csrfmiddlewaretoken")
    assert "csrftoken" in first.cookies
    client.cookies.clear()
    second = client.get(form_url(race))
    assert "csrftoken" in second.cookies  # rendered again, not served from the cache


def test_the_form_page_costs_a_constant_number_of_queries(
    client, race, django_assert_max_num_queries
):
    for number in range(10):
        make_entry(race, car_number=str(50 + number), slug=str(50 + number))
    with django_assert_max_num_queries(8):
        client.get(form_url(race))
