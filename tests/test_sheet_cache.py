"""Sheets, cards and exports are cached by what they show; renders are bounded.

Issue #12, item 2 and the validator faults of item 7.
"""

import datetime

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date
from pytest_django.asserts import assertContains, assertNotContains

import races.views
from almsweb import renders
from almsweb.cache import PublicPageCacheMiddleware, bump_data_version, data_version
from races.models import Race

from .constants import MID_OHIO, SEASON_YEAR

# These tests use the committed Mid-Ohio round only as a page to cache: they
# assert nothing of its content.
pytestmark = pytest.mark.django_db

RACE_PAGE = reverse("races:race-detail", kwargs=MID_OHIO)
RACE_PDF = reverse("races:race-results-pdf", kwargs=MID_OHIO)
STANDINGS_PDF = reverse("races:standings-pdf", kwargs={"year": SEASON_YEAR})
CARD = reverse("races:race-card", kwargs=MID_OHIO)
CSV = reverse("races:race-results-export", kwargs={**MID_OHIO, "format": "csv"})


def mid_ohio():
    return Race.objects.filter(season__year=SEASON_YEAR, slug=MID_OHIO["slug"])


MADE_UP_SESSION = "madeupsessionkey0123456789abcdef"


@pytest.fixture
def pdf_renders(monkeypatch):
    """Each render_pdf call's paper; the PDF itself is a stand-in (fast)."""
    papers = []

    def fake_render_pdf(template_name, context, *, request, paper, landscape=False):
        papers.append(paper)
        return b"%PDF-1.7 stand-in " + paper.encode()

    monkeypatch.setattr(races.views, "render_pdf", fake_render_pdf)
    return papers


@pytest.fixture
def card_renders(monkeypatch):
    calls = []

    def fake_card(race, winners, photo=None):
        calls.append(race)
        return b"\x89PNG stand-in"

    monkeypatch.setattr(races.views, "race_card_png", fake_card)
    return calls


@pytest.fixture
def render_slots(settings, tmp_path):
    """One render slot, its lock file in a folder of this test's own."""
    settings.RENDER_SLOTS = 1
    settings.RENDER_SLOT_DIR = tmp_path


@pytest.mark.parametrize("url", [STANDINGS_PDF, RACE_PDF])
def test_pdf_with_cache_busting_parameters_renders_once(client, pdf_renders, url):
    for busting in ("?cb=1", "?cb=2", "?paper=a4&cb=3"):
        response = client.get(url + busting)
        assert response.status_code == 200
    assert pdf_renders == ["a4"]


def test_share_card_with_cache_busting_parameters_renders_once(client, card_renders):
    for busting in ("?cb=1", "?cb=2", "?v=2"):
        assert client.get(CARD + busting).status_code == 200
    assert len(card_renders) == 1


def test_export_with_cache_busting_parameters_is_served_from_the_cache(
    client, django_assert_num_queries
):
    first = client.get(CSV + "?cb=1")
    with django_assert_num_queries(0):
        second = client.get(CSV + "?cb=2")
    assert second.content == first.content


def test_paper_letter_and_a4_are_two_cache_entries(client, pdf_renders):
    for query in ("", "?paper=a4", "?paper=letter", "?paper=LETTER", "?paper=x"):
        client.get(STANDINGS_PDF + query)
    assert sorted(pdf_renders) == ["a4", "letter"]


def test_letter_pdf_from_the_cache_is_the_letter_one(client, pdf_renders):
    client.get(RACE_PDF)
    client.get(RACE_PDF + "?paper=letter")
    response = client.get(RACE_PDF + "?paper=letter&cb=1")
    assert response.content.endswith(b"letter")
    assert "letter" in response["Content-Disposition"]


def test_race_page_with_cache_busting_parameter_is_served_from_the_cache(
    client, django_assert_num_queries
):
    client.get(RACE_PAGE + "?cb=1")
    with django_assert_num_queries(0):
        response = client.get(RACE_PAGE + "?cb=2")
    assert response.status_code == 200


def test_race_page_keeps_its_class_filter_and_sort(client):
    response = client.get(RACE_PAGE + "?class=GT&sort=-car&cb=1")
    assertContains(response, "GT class only")
    assert response.context["current_sort"] == "-car"


def test_ignored_parameter_never_reaches_the_cached_page(client):
    # The sort links repeat the query string: an ignored parameter must not
    # be written into the page that every visitor is then served.
    client.get(RACE_PAGE + "?planted=evil-value")
    assertNotContains(client.get(RACE_PAGE), "evil-value")


def test_made_up_session_cookie_gets_the_cached_page(
    client, django_assert_max_num_queries
):
    first = client.get(RACE_PAGE)
    client.cookies["sessionid"] = MADE_UP_SESSION
    # At most the one look-up that finds no such session.
    with django_assert_max_num_queries(1):
        second = client.get(RACE_PAGE)
    assert second["ETag"] == first["ETag"]


def test_made_up_session_cookie_does_not_render_a_sheet_again(client, pdf_renders):
    client.get(STANDINGS_PDF)
    for number in range(3):
        client.cookies["sessionid"] = f"{MADE_UP_SESSION}{number}"
        assert client.get(STANDINGS_PDF).status_code == 200
    assert pdf_renders == ["a4"]


def test_logged_in_editor_is_never_served_a_cached_page(client, editor_client):
    Client().get(RACE_PAGE)
    # Bypasses the signals, so the cached page is now stale.
    mid_ohio().update(name="Seen only when rendered")
    response = editor_client.get(RACE_PAGE)
    assertContains(response, "Seen only when rendered")
    assert "ETag" not in response


def test_logged_in_editors_page_is_never_stored(editor_client):
    editor_client.get(RACE_PAGE)
    mid_ohio().update(name="Seen only when rendered")
    assertContains(Client().get(RACE_PAGE), "Seen only when rendered")


def test_busy_renders_answer_503_with_retry_after(client, pdf_renders, render_slots):
    held = renders.take_render_slot()
    assert held is not None
    try:
        response = client.get(STANDINGS_PDF)
    finally:
        held.close()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"try again" in response.content
    assert pdf_renders == []


def test_busy_render_is_not_logged_as_a_server_error(
    client, pdf_renders, render_slots, caplog
):
    held = renders.take_render_slot()
    try:
        client.get(STANDINGS_PDF)
    finally:
        held.close()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_busy_renders_still_serve_cached_pages_and_sheets(
    client, pdf_renders, render_slots
):
    client.get(RACE_PAGE)
    client.get(STANDINGS_PDF)
    held = renders.take_render_slot()
    try:
        assert client.get(RACE_PAGE).status_code == 200
        assert client.get(STANDINGS_PDF + "?cb=9").status_code == 200
        assert client.get(CARD).status_code == 503
    finally:
        held.close()
    assert client.get(CARD).status_code == 200


def test_render_slot_is_free_again_after_a_render(client, pdf_renders, render_slots):
    client.get(STANDINGS_PDF)
    assert client.get(RACE_PDF).status_code == 200
    assert pdf_renders == ["a4", "a4"]


def test_etag_is_strong(client):
    etag = client.get(RACE_PAGE)["ETag"]
    assert etag.startswith('"') and etag.endswith('"')


def test_etag_changes_with_the_data_version(client):
    first = client.get(RACE_PAGE)
    bump_data_version()
    second = client.get(RACE_PAGE)
    assert second.content == first.content
    assert second["ETag"] != first["ETag"]
    again = client.get(RACE_PAGE, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200


def test_etag_is_the_same_from_every_worker(client):
    first = client.get(RACE_PAGE)
    # Another Client is another handler: its own middleware and local pages,
    # as in another gunicorn worker.
    assert Client().get(RACE_PAGE)["ETag"] == first["ETag"]


def test_page_rendered_by_two_workers_at_once_is_served_as_one():
    workers = [PublicPageCacheMiddleware(None) for _ in range(2)]
    version = data_version()
    stored = []
    for worker, content in zip(
        workers, (b"first render", b"second render"), strict=True
    ):
        response = HttpResponse(content)
        stored.append(worker.store("page:test", response, version))
    assert stored[1] == stored[0]


def test_second_edit_in_the_same_second_is_not_answered_304(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    clock = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.UTC).timestamp()
    now = [int(clock * 1e9) + 100_000_000]
    monkeypatch.setattr("almsweb.cache.time.time_ns", lambda: now[0])
    race = mid_ohio().get()
    race.name = "First edit"
    with django_capture_on_commit_callbacks(execute=True):
        race.save()
    seen = client.get(RACE_PAGE)
    assertContains(seen, "First edit")

    now[0] += 500_000_000  # the same second
    race.name = "Second edit"
    with django_capture_on_commit_callbacks(execute=True):
        race.save()
    response = client.get(
        RACE_PAGE, headers={"if-modified-since": seen["Last-Modified"]}
    )
    assert response.status_code == 200
    assertContains(response, "Second edit")


def test_unchanged_page_still_answers_if_modified_since_with_304(client):
    last_modified = client.get(RACE_PAGE)["Last-Modified"]
    response = client.get(RACE_PAGE, headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_many_saves_in_one_transaction_move_last_modified_by_one_second(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    now = [1_777_777_777_000_000_000]
    monkeypatch.setattr("almsweb.cache.time.time_ns", lambda: now[0])
    bump_data_version()
    before = data_version()
    race = mid_ohio().get()
    with django_capture_on_commit_callbacks(execute=True):
        for entry in race.entries.all()[:10]:
            entry.save()
    assert data_version() // 10**9 == before // 10**9 + 1
    assert client.get(RACE_PAGE)["Last-Modified"] == http_date(before // 10**9 + 1)
