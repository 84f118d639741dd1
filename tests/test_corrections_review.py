"""The editors' review queue: accept, reject, duplicate, who may do what, email."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from corrections import about
from corrections.admin import is_reviewer
from corrections.fields import CHANGE_REASON
from corrections.models import Correction
from races.models import Entry

from .factories import make_driver, make_editor, make_entry, make_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_race(short_name="Mosport", completeness="partial")


@pytest.fixture
def unnumbered(race):
    return make_entry(race, "GT", slug="lehto", car_number="", laps=None)


def make_correction(target, field="", proposed="16", **overrides) -> Correction:
    page = target.race if isinstance(target, Entry) else target
    fields = {
        "about": about.reference_for(page),
        "target": about.reference_for(target),
        "target_label": about.describe(target),
        "field": field,
        "value_when_sent": "empty",
        "problem": "",
        "proposed_value": proposed,
        "source": "https://example.org/timing-sheet.pdf",
    }
    fields.update(overrides)
    return Correction.objects.create(**fields)


def review_url(correction) -> str:
    return reverse("admin:corrections_correction_change", args=[correction.pk])


def queue_url() -> str:
    return reverse("admin:corrections_correction_changelist")


@pytest.fixture
def car_number(unnumbered):
    return make_correction(unnumbered, "car_number", email="fan@example.org")


def accept(client, correction, **extra):
    return client.post(review_url(correction), {"action": "accept", **extra})


def test_admin_index_counts_new_suggestions(editor_client, car_number, unnumbered):
    make_correction(unnumbered, status=Correction.Status.REJECTED)
    response = editor_client.get(reverse("admin:index"))
    assertContains(response, "1 new suggestion from fans to review")


def test_admin_index_says_nothing_when_none_waits(editor_client):
    assertNotContains(editor_client.get(reverse("admin:index")), "new suggestion")


def test_queue_lists_the_oldest_first(editor_client, unnumbered):
    older = make_correction(unnumbered, proposed="older-one")
    newer = make_correction(unnumbered, proposed="newer-one")
    older.sent_at = newer.sent_at.replace(year=2020)
    older.save()
    content = editor_client.get(queue_url()).content.decode()
    assert content.index("older-one") < content.index("newer-one")


def test_queue_shows_page_value_proposal_and_source(editor_client, car_number):
    response = editor_client.get(queue_url())
    assertContains(response, "Car, number not known (")
    assertContains(response, "Car number")
    assertContains(response, 'href="https://example.org/timing-sheet.pdf"')


def test_review_shows_the_value_now_beside_the_proposed_one(
    editor_client, car_number, unnumbered
):
    unnumbered.engine = "changed since"
    unnumbered.save()
    response = editor_client.get(review_url(car_number))
    assertContains(response, "Value now")
    assertContains(response, "<strong>16</strong>", html=True)
    assertContains(response, "Accept and apply")
    assertContains(response, 'rel="nofollow noopener noreferrer ugc"')


def test_accept_applies_the_value_with_history(editor_client, editor, car_number):
    response = accept(editor_client, car_number)
    assert response.status_code == 302
    entry = Entry.objects.get(slug="lehto")
    assert entry.car_number == "16"
    record = entry.history.latest()
    assert record.history_change_reason == CHANGE_REASON.format(number=car_number.pk)
    assert record.history_user == editor
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.ACCEPTED
    assert car_number.is_applied
    assert car_number.decided_by == editor
    assert car_number.decided_at is not None


def test_accept_shows_on_the_race_page(editor_client, client, car_number, race):
    accept(editor_client, car_number)
    assertContains(client.get(race.get_absolute_url()), 'id="car-lehto"')
    assertContains(client.get(race.get_absolute_url()), ">16<")


def test_a_choice_is_accepted_by_its_label(editor_client, unnumbered):
    correction = make_correction(unnumbered, "tyre", proposed="michelin")
    accept(editor_client, correction)
    assert Entry.objects.get(pk=unnumbered.pk).tyre == "M"


def test_accept_is_refused_when_the_number_is_taken(
    editor_client, car_number, race, unnumbered
):
    make_entry(race, slug="16", car_number="16")
    response = accept(editor_client, car_number, opened_version=unnumbered.edit_version)
    assertRedirects(response, review_url(car_number), fetch_redirect_response=False)
    assertContains(editor_client.get(review_url(car_number)), "Not applied")
    assert Entry.objects.get(pk=unnumbered.pk).car_number == ""
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_accept_is_refused_when_the_car_changed_since_it_was_opened(
    editor_client, car_number, unnumbered
):
    opened = unnumbered.edit_version
    unnumbered.car_number = "99"
    unnumbered.save()
    accept(editor_client, car_number, opened_version=opened)
    assert Entry.objects.get(pk=unnumbered.pk).car_number == "99"
    response = editor_client.get(review_url(car_number))
    assertContains(response, "changed by someone else")
    assertContains(response, "“99”")


def test_accept_runs_the_race_checks(editor_client, race, unnumbered):
    make_entry(race, slug="1", car_number="1", position=1, laps=100)
    correction = make_correction(unnumbered, "laps", proposed="150")
    race.completeness = "complete"
    race.save()
    accept(editor_client, correction)
    assert Entry.objects.get(pk=unnumbered.pk).laps is None


def test_accept_without_a_simple_field_opens_the_edit_page(editor_client, unnumbered):
    correction = make_correction(unnumbered, "", problem="The team is wrong.")
    response = accept(editor_client, correction)
    edit = reverse("admin:races_entry_change", args=[unnumbered.pk])
    assertRedirects(response, edit, fetch_redirect_response=False)
    correction.refresh_from_db()
    assert correction.status == Correction.Status.ACCEPTED
    assert not correction.is_applied


def test_a_drivers_first_name_is_applied_in_one_step_with_history(editor_client):
    driver = make_driver("Lehto", slug="jj-lehto", first_name="")
    correction = make_correction(driver, "first_name", proposed="Jyrki Juhani")
    accept(editor_client, correction)
    driver.refresh_from_db()
    assert driver.first_name == "Jyrki Juhani"
    latest = driver.history.latest()
    assert latest.history_change_reason == f"from correction #{correction.pk}"


def test_reject_needs_a_reason(editor_client, car_number):
    response = editor_client.post(review_url(car_number), {"action": "reject"})
    assertContains(response, "Give the reason", status_code=400)
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_reject_records_who_when_and_why(editor_client, editor, car_number):
    editor_client.post(
        review_url(car_number),
        {"action": "reject", "rejection_reason": "The sheet shows #61."},
    )
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.REJECTED
    assert car_number.rejection_reason == "The sheet shows #61."
    assert car_number.decided_by == editor
    assert Entry.objects.get(slug="lehto").car_number == ""


def test_duplicate_names_the_earlier_suggestion(editor_client, unnumbered, car_number):
    again = make_correction(unnumbered, "car_number")
    editor_client.post(
        review_url(again), {"action": "duplicate", "duplicate_of": car_number.pk}
    )
    again.refresh_from_db()
    assert again.status == Correction.Status.DUPLICATE
    assert again.duplicate_of == car_number


@pytest.mark.parametrize("number", ["", "0", "999999", "abc"])
def test_duplicate_of_nothing_is_refused(editor_client, car_number, number):
    response = editor_client.post(
        review_url(car_number), {"action": "duplicate", "duplicate_of": number}
    )
    assert response.status_code == 400
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_a_suggestion_cannot_duplicate_itself(editor_client, car_number):
    response = editor_client.post(
        review_url(car_number), {"action": "duplicate", "duplicate_of": car_number.pk}
    )
    assertContains(response, "cannot repeat itself", status_code=400)


def test_a_decided_suggestion_is_not_decided_again(editor_client, car_number):
    accept(editor_client, car_number)
    editor_client.post(
        review_url(car_number), {"action": "reject", "rejection_reason": "No."}
    )
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.ACCEPTED


def test_an_unknown_action_changes_nothing(editor_client, car_number):
    response = editor_client.post(review_url(car_number), {"action": "delete"})
    assert response.status_code == 400
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_editors_cannot_delete_suggestions(editor_client, car_number):
    url = reverse("admin:corrections_correction_delete", args=[car_number.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Correction.objects.filter(pk=car_number.pk).exists()


def test_administrators_can_delete_suggestions(client, car_number):
    client.force_login(User.objects.create_superuser("root", password="x"))
    url = reverse("admin:corrections_correction_delete", args=[car_number.pk])
    client.post(url, {"post": "yes"})
    assert not Correction.objects.filter(pk=car_number.pk).exists()


def test_staff_outside_the_editors_group_cannot_see_the_queue(client, car_number):
    client.force_login(User.objects.create_user("visitor", is_staff=True))
    assert client.get(queue_url()).status_code == 403
    response = client.post(
        review_url(car_number), {"action": "reject", "rejection_reason": "x"}
    )
    assert response.status_code in (302, 403)
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_visitors_are_sent_to_the_login(client, car_number):
    response = client.get(review_url(car_number))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_suggestions_cannot_be_added_in_the_admin(editor_client):
    url = reverse("admin:corrections_correction_add")
    assert editor_client.get(url).status_code == 403


def test_a_decision_emails_the_submitter(
    editor_client, car_number, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            review_url(car_number),
            {"action": "reject", "rejection_reason": "The sheet shows #61."},
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["fan@example.org"]
    assert "The sheet shows #61." in mailoutbox[0].body


def test_the_submitter_is_not_told_who_decided(
    client, car_number, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(make_editor("maria"))
    with django_capture_on_commit_callbacks(execute=True):
        accept(client, car_number)
    assert "maria" not in mailoutbox[0].body


def test_accepting_emails_the_submitter_the_page(
    editor_client, car_number, race, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept(editor_client, car_number)
    assert len(mailoutbox) == 1
    assert race.get_absolute_url() in mailoutbox[0].body


def test_no_email_when_the_submitter_gave_none(
    editor_client, unnumbered, mailoutbox, django_capture_on_commit_callbacks
):
    correction = make_correction(unnumbered, "car_number")
    with django_capture_on_commit_callbacks(execute=True):
        accept(editor_client, correction)
    assert mailoutbox == []


def test_markup_in_a_suggestion_is_text_in_the_queue(editor_client, unnumbered):
    correction = make_correction(
        unnumbered, proposed="<img src=x onerror=alert(1)>", source="javascript:x()"
    )
    response = editor_client.get(review_url(correction))
    assertNotContains(response, "<img src=x")
    assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")
    assertNotContains(response, 'href="javascript:')


def test_a_suggestion_about_a_deleted_car_can_still_be_reviewed(
    editor_client, car_number, unnumbered
):
    unnumbered.delete()
    response = editor_client.get(review_url(car_number))
    assertContains(response, "no longer exists")
    accept(editor_client, car_number)
    car_number.refresh_from_db()
    assert car_number.status == Correction.Status.NEW


def test_make_editor_is_a_reviewer():
    assert is_reviewer(make_editor("reviewer"))


def test_an_original_with_duplicates_is_not_deleted_before_them(
    client, unnumbered, car_number
):
    make_correction(
        unnumbered, status=Correction.Status.DUPLICATE, duplicate_of=car_number
    )
    client.force_login(User.objects.create_superuser("root", password="x"))
    url = reverse("admin:corrections_correction_delete", args=[car_number.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code < 500
    assert Correction.objects.filter(pk=car_number.pk).exists()
