"""The public changelog and its feed, drawn from the history, and the purge."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from corrections import about, changelog
from corrections.models import Correction
from races.history import HISTORY_MODELS, record_current_state
from races.models import Entry

from .factories import make_driver, make_editor, make_entry, make_race, make_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

CHANGES = reverse("corrections:changelog")
FEED = reverse("corrections:changelog-feed")


@pytest.fixture
def race():
    return make_race(short_name="Mosport", completeness="partial")


@pytest.fixture
def unnumbered(race):
    """A car of a partial round, its history as after loading the fixtures."""
    entry = make_entry(race, "GT", slug="lehto", car_number="", laps=None)
    for model in HISTORY_MODELS:
        model.history.all().delete()
    record_current_state()
    return entry


def sent(target, field="car_number", proposed="16", **overrides) -> Correction:
    fields = {
        "about": about.reference_for(target.race),
        "target": about.reference_for(target),
        "target_label": about.describe(target),
        "field": field,
        "proposed_value": proposed,
        "source": "IMSA timing sheet, race classification",
        "credit_name": "Pat Fan",
        "email": "pat@example.org",
        "is_credit_consented": True,
    }
    fields.update(overrides)
    return Correction.objects.create(**fields)


def accepted(client, correction):
    client.post(
        reverse("admin:corrections_correction_change", args=[correction.pk]),
        {"action": "accept"},
    )
    correction.refresh_from_db()
    assert correction.is_applied
    return correction


def test_an_accepted_correction_is_listed_with_its_source_and_credit(
    client, editor_client, unnumbered
):
    correction = accepted(editor_client, sent(unnumbered))
    response = client.get(CHANGES)
    assertContains(response, "Car number: empty → “16”")
    assertContains(response, f"From suggestion #{correction.pk}")
    assertContains(response, "by Pat Fan")
    assertContains(response, "IMSA timing sheet, race classification")
    assertContains(response, f'href="{unnumbered.race.get_absolute_url()}#car-lehto"')


def test_the_credit_is_shown_only_with_consent(client, editor_client, unnumbered):
    accepted(editor_client, sent(unnumbered, is_credit_consented=False))
    response = client.get(CHANGES)
    assertContains(response, "From suggestion #")
    assertNotContains(response, "Pat Fan")


def test_no_editor_name_or_email_is_ever_shown(client, unnumbered):
    editor_client = client.__class__()
    editor = make_editor("maria")
    editor.email = "maria@example.org"
    editor.save()
    editor_client.force_login(editor)
    accepted(editor_client, sent(unnumbered))
    for url in (CHANGES, FEED):
        content = client.get(url).content.decode()
        assert "maria" not in content
        assert "pat@example.org" not in content


def test_an_editors_own_change_is_listed(client, unnumbered):
    unnumbered.laps = 120
    unnumbered.save()
    response = client.get(CHANGES)
    assertContains(response, "Laps: empty → “120”")
    assertNotContains(response, "From suggestion")


def test_a_link_source_is_a_link_that_is_not_followed(
    client, editor_client, unnumbered
):
    url = "https://example.org/sheet.pdf"
    accepted(editor_client, sent(unnumbered, source=url))
    assertContains(
        client.get(CHANGES),
        f'<a href="{url}" rel="nofollow noopener noreferrer ugc">{url}</a>',
        html=True,
    )


def test_markup_in_a_source_is_shown_as_text(client, editor_client, unnumbered):
    accepted(editor_client, sent(unnumbered, source="<script>alert(1)</script>"))
    response = client.get(CHANGES)
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, "<script>alert")


def test_rows_recorded_when_the_season_was_loaded_are_left_out(client, unnumbered):
    assertContains(client.get(CHANGES), "No change yet")


def test_added_and_removed_cars_and_crews_are_listed(client, race, unnumbered):
    added = make_entry(race, slug="61", car_number="61")
    added.delete()
    response = client.get(CHANGES)
    assertContains(response, "Car #61 added")
    assertContains(response, "Car #61 removed")
    assertContains(response, "in the crew of car #61 added")


def test_a_story_rewrite_is_named_without_its_text(client, unnumbered):
    story = make_story(unnumbered, body="First words.")
    story.body = "Other words."
    story.save()
    response = client.get(CHANGES)
    assertContains(response, "Body rewritten")
    assertNotContains(response, "Other words.")


def test_changes_are_listed_newest_first(client, unnumbered):
    unnumbered.laps = 1
    unnumbered.save()
    unnumbered.laps = 2
    unnumbered.save()
    content = client.get(CHANGES).content.decode()
    assert content.index("“1” → “2”") < content.index("empty → “1”")


def test_the_changelog_is_paginated(client, unnumbered):
    for laps in range(1, 53):
        unnumbered.laps = laps
        unnumbered.save()
    first = client.get(CHANGES)
    assertContains(first, "Page 1 of 2")
    assertContains(client.get(CHANGES, {"page": 2}), "empty → “1”")


@pytest.mark.parametrize("page", ["0", "3", "x", "-1", "9" * 30])
def test_a_page_outside_the_changelog_is_a_404(client, unnumbered, page):
    assert client.get(CHANGES, {"page": page}).status_code == 404


@pytest.mark.parametrize("cars", [1, 10])
def test_the_changelog_costs_a_constant_number_of_queries(
    client, race, django_assert_max_num_queries, editor_client, cars
):
    for number in range(cars):
        entry = make_entry(race, car_number="", slug=f"car-{number}", laps=None)
        entry.laps = 10
        entry.save()
        make_story(entry).delete()
        accepted(editor_client, sent(entry, proposed=str(100 + number)))
    with django_assert_max_num_queries(21):
        response = client.get(CHANGES)
    assert response.status_code == 200


def test_the_changelog_is_cached_and_cookie_free(
    client, unnumbered, django_assert_num_queries
):
    unnumbered.laps = 3
    unnumbered.save()
    first = client.get(CHANGES)
    assert not first.cookies
    with django_assert_num_queries(0):
        client.get(CHANGES, {"cb": "1"})


def test_the_feed_lists_the_change(client, editor_client, unnumbered):
    correction = accepted(editor_client, sent(unnumbered))
    response = client.get(FEED)
    assert response["Content-Type"].startswith("application/atom+xml")
    assertContains(response, "Car #16 changed (Mosport")
    assertContains(response, "Car number: empty → “16”")
    assertContains(response, "Sent by Pat Fan")
    assertContains(response, f"change-entry-{Entry.history.latest().history_id}")
    assert correction.pk


def test_the_feed_escapes_markup(client, editor_client, unnumbered):
    accepted(editor_client, sent(unnumbered, source="<b>bold</b>\x0b"))
    response = client.get(FEED)
    assertContains(response, "&lt;b&gt;bold&lt;/b&gt;")


def test_changes_query_orders_every_kind_together(race, unnumbered):
    unnumbered.laps = 5
    unnumbered.save()
    race.name = "Renamed"
    race.save()
    kinds = [row["kind"] for row in changelog.changes()]
    assert kinds == ["race", "entry"]


def decided(days_ago: int, **overrides) -> Correction:
    fields = {
        "about": "race:1999/x",
        "target": "race:1999/x",
        "target_label": "A race",
        "proposed_value": "1",
        "source": "A programme",
        "credit_name": "Pat Fan",
        "email": "pat@example.org",
        "is_credit_consented": True,
        "status": Correction.Status.REJECTED,
        "decided_at": timezone.now() - datetime.timedelta(days=days_ago),
    }
    fields.update(overrides)
    return Correction.objects.create(**fields)


def test_purge_removes_personal_data_decided_over_90_days_ago(db):
    old = decided(91)
    call_command("purge_corrections", verbosity=0)
    old.refresh_from_db()
    assert (old.credit_name, old.email, old.is_credit_consented) == ("", "", False)
    assert old.source == "A programme"
    assert old.proposed_value == "1"


def test_purge_keeps_recent_and_undecided_suggestions(db):
    recent = decided(89)
    waiting = decided(200, status=Correction.Status.NEW, decided_at=None)
    call_command("purge_corrections", verbosity=0)
    for correction in (recent, waiting):
        correction.refresh_from_db()
        assert correction.email == "pat@example.org"


def test_purge_dry_run_changes_nothing(db, capsys):
    old = decided(120)
    call_command("purge_corrections", "--dry-run")
    old.refresh_from_db()
    assert old.email == "pat@example.org"
    assert "Would purge the personal data of 1 suggestion" in capsys.readouterr().out


def test_purged_credit_leaves_the_changelog(
    client, editor_client, unnumbered, django_capture_on_commit_callbacks
):
    correction = accepted(editor_client, sent(unnumbered))
    assertContains(client.get(CHANGES), "Pat Fan")
    Correction.objects.filter(pk=correction.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=100)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_corrections", verbosity=0)
    assertNotContains(client.get(CHANGES), "Pat Fan")


def test_a_correction_accepted_for_a_change_by_hand_is_listed(
    client, editor_client, unnumbered
):
    correction = sent(unnumbered, field="", problem="The team was Dyson Racing.")
    editor_client.post(
        reverse("admin:corrections_correction_change", args=[correction.pk]),
        {"action": "accept"},
    )
    response = client.get(CHANGES)
    assertContains(response, f"Suggestion #{correction.pk} accepted")
    assertContains(response, "Proposed: “16”")
    assertContains(response, "by Pat Fan")
    assertContains(response, f'href="{unnumbered.race.get_absolute_url()}#car-lehto"')


def test_rejected_and_waiting_suggestions_are_not_listed(client, unnumbered):
    sent(unnumbered, status=Correction.Status.REJECTED, decided_at=timezone.now())
    sent(unnumbered)
    assertContains(client.get(CHANGES), "No change yet")


@pytest.mark.parametrize(
    ("reference", "url"),
    [
        ("race:2004/mosport", "/2004/mosport/"),
        ("entry:2004/mosport/16", "/2004/mosport/#car-16"),
        ("driver:jj-lehto", "/drivers/jj-lehto/"),
        ("season:2004", "/2004/"),
        ("nonsense", ""),
    ],
)
def test_a_reference_gives_its_page_without_a_query(
    reference, url, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert about.url_of(reference) == url


def test_an_editors_change_to_a_driver_is_listed_on_the_drivers_page(client):
    driver = make_driver("Sutherland", first_name="")
    driver.first_name = "Rick"
    driver.save()

    response = client.get(CHANGES)

    assertContains(response, "Driver details changed")
    assertContains(response, f'href="{driver.get_absolute_url()}"')
    assertContains(response, "First name: empty → “Rick”")
