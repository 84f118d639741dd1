import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from almsweb.cache import PublicPageCacheMiddleware, data_version
from races.models import CarClass, Race

from .factories import make_car_model, make_classified_race, make_regulation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def race():
    return make_classified_race()


@pytest.fixture
def url(race):
    return race.get_absolute_url()


def test_second_anonymous_request_is_served_from_the_cache(
    client, django_assert_num_queries, url
):
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content


def test_edit_shows_on_the_next_request(
    client, django_capture_on_commit_callbacks, url, race
):
    client.get(url)
    race.name = "Renamed by an editor"
    with django_capture_on_commit_callbacks(execute=True):
        race.save()
    assertContains(client.get(url), "Renamed by an editor")


def test_deleting_a_row_invalidates_the_cache(client, url, race):
    entry = race.entries.get(car_number="7")
    assertContains(client.get(url), 'id="car-7"')
    entry.delete()
    assertNotContains(client.get(url), 'id="car-7"')


def test_editing_a_class_colour_invalidates_the_stylesheet(client, race):
    url = reverse("races:class-colours")
    client.get(url)
    lmp1 = CarClass.objects.get(code="LMP1")
    lmp1.colour = "#123456"
    lmp1.save()
    assertContains(client.get(url), ".class-lmp1 { --class-colour: #123456; }")


def test_many_to_many_change_bumps_the_data_version():
    regulation = make_regulation("LMP1", example_cars=[make_car_model()])
    before = data_version()
    regulation.example_cars.clear()
    assert data_version() > before


def test_matching_etag_gets_a_304(client, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_unchanged_since_last_modified_gets_a_304(client, url):
    last_modified = client.get(url)["Last-Modified"]
    response = client.get(url, headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_changed_page_gets_a_200_for_an_old_etag(client, url, race):
    etag = client.get(url)["ETag"]
    race.name = "Changed"
    race.save()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_cached_page_asks_browsers_to_revalidate(client, url):
    response = client.get(url)
    assert "max-age=0" in response["Cache-Control"]
    assert "must-revalidate" in response["Cache-Control"]


def test_logged_in_visitor_gets_a_fresh_page(admin_client, client, url, race):
    client.get(url)
    # Bypasses the signals, so the cached page is now stale.
    Race.objects.filter(pk=race.pk).update(name="Seen only when rendered")
    assertNotContains(client.get(url), "Seen only when rendered")
    response = admin_client.get(url)
    assertContains(response, "Seen only when rendered")
    assert "ETag" not in response


def test_admin_pages_are_never_cached(admin_client):
    response = admin_client.get(reverse("admin:races_race_changelist"))
    assert "ETag" not in response
    assert "private" in response["Cache-Control"]


def test_healthz_is_not_cached(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]
    assert "ETag" not in response


@pytest.fixture
def middleware_calls():
    """A cache middleware around a view, and the list of the view's calls."""
    calls = []

    def build(view):
        def get_response(request):
            calls.append(request)
            return view(request)

        return PublicPageCacheMiddleware(get_response)

    return build, calls


def test_response_that_sets_a_cookie_is_not_stored(middleware_calls):
    build, calls = middleware_calls

    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("visitor", "one")
        return response

    middleware = build(view)
    for _ in range(2):
        middleware(RequestFactory().get("/cookie/"))
    assert len(calls) == 2


def test_response_for_an_authenticated_user_is_not_stored(middleware_calls):
    build, calls = middleware_calls

    def view(request):
        request.user = User(username="someone")
        return HttpResponse("hello")

    middleware = build(view)
    for _ in range(2):
        middleware(RequestFactory().get("/user/"))
    assert len(calls) == 2


def test_plain_response_is_stored_once(middleware_calls):
    build, calls = middleware_calls
    middleware = build(lambda request: HttpResponse("hello"))
    for _ in range(3):
        response = middleware(RequestFactory().get("/plain/"))
    assert len(calls) == 1
    assert response.content == b"hello"
