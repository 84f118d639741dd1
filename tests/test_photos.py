"""Photos on the fan pages, and how editors add, change and revert them."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from photos.models import Licence, Photo, page_url

from .factories import (
    add_full_field,
    admin_form_data,
    make_classified_race,
    make_driver,
    make_entry,
    make_photo,
    make_race,
    make_story,
    photo_bytes,
    photo_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo_url(race, number: int) -> str:
    return page_url(race, number)


def copies_of(photo, count: int) -> None:
    """More photos of the same race sharing the files of `photo` (fast)."""
    Photo.objects.bulk_create(
        Photo(
            race=photo.race,
            original=photo.original,
            width=photo.width,
            height=photo.height,
            renditions=photo.renditions,
            alt_text=photo.alt_text,
            caption=f"Copy {n}",
            credit=photo.credit,
            licence=photo.licence,
            gallery_order=n + 1,
        )
        for n in range(count)
    )


# The race page.


def test_race_page_without_photos_shows_no_gallery_and_no_podium_photo(client):
    race = make_classified_race()

    response = client.get(race.get_absolute_url())

    assertNotContains(response, "photos-heading")
    assertNotContains(response, "<picture")
    assertNotContains(response, "podium-photo")
    assertNotContains(response, "story-photo")


def test_race_page_gallery_lists_the_photos_in_gallery_order(client):
    race = make_race()
    make_photo(race, caption="Second in the gallery", gallery_order=2)
    make_photo(race, caption="First in the gallery", gallery_order=1)

    response = client.get(race.get_absolute_url())

    assertContains(response, '<h2 id="photos-heading">Photos</h2>', html=True)
    content = response.content.decode()
    assert content.index("First in the gallery") < content.index(
        "Second in the gallery"
    )
    assertContains(response, f'href="{photo_url(race, 1)}"')
    assertContains(response, f'href="{photo_url(race, 2)}"')


def test_gallery_shows_credit_and_licence(client):
    race = make_race()
    make_photo(race, credit="Jane Lens", licence=Licence.CC_BY_SA)

    response = client.get(race.get_absolute_url())

    assertContains(response, "Photo: Jane Lens")
    assertContains(response, 'href="https://creativecommons.org/licenses/by-sa/4.0/"')


def test_gallery_images_are_responsive_sized_and_lazy(client):
    race = make_race()
    make_photo(race, upload=photo_upload(width=2000, height=1000))

    response = client.get(race.get_absolute_url())

    content = response.content.decode()
    picture = re.search(r"<picture>.*?</picture>", content, re.S).group()
    assert 'type="image/avif"' in picture or 'type="image/webp"' in picture
    assert re.search(r"srcset=\"[^\"]*480w, [^\"]*960w, [^\"]*1600w\"", picture)
    assert 'width="960" height="480"' in picture
    assert 'loading="lazy"' in picture
    assert 'alt="A blue field with a yellow block' in picture
    assert 'sizes="' in picture


def test_podium_photo_stands_beside_the_podiums(client):
    race = make_classified_race()
    make_photo(race, caption="The LMP1 winners on the podium", is_podium=True)
    make_photo(race, caption="A gallery-only picture")

    response = client.get(race.get_absolute_url())

    content = response.content.decode()
    podiums = content[content.index('class="podiums"') : content.index('id="results"')]
    assert "podium-photo" in podiums
    assert "The LMP1 winners on the podium" in podiums
    assert "A gallery-only picture" not in podiums


def test_race_with_photos_but_no_podium_photo_shows_no_podium_photo(client):
    race = make_classified_race()
    make_photo(race)

    response = client.get(race.get_absolute_url())

    assertNotContains(response, "podium-photo")


def test_each_story_shows_its_cars_photo(client):
    race = make_race()
    first, second = make_entry(race, position=1), make_entry(race, position=2)
    make_story(first, headline="The first car's day")
    make_story(second, headline="The second car's day")
    make_photo(race, story_entry=first, credit="Story Snapper")

    response = client.get(race.get_absolute_url())

    content = response.content.decode()
    first_story = content[
        content.index(f'id="{first.story_anchor}"') : content.index(
            f'id="{second.story_anchor}"'
        )
    ]
    assert "story-photo" in first_story
    assert "Story Snapper" in first_story
    assert content.count('class="story-photo"') == 1


@pytest.mark.parametrize("count", [10, 100])
def test_race_page_query_count_is_the_same_with_0_10_and_100_photos(client, count):
    race = make_classified_race()
    for entry in race.entries.filter(story__isnull=True):
        make_story(entry)
    url = race.get_absolute_url()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    without_photos = queries()
    photo = make_photo(race, is_podium=True, story_entry=race.entries.first())
    copies_of(photo, count - 1)

    assert queries() == without_photos


# The photo page.


def test_photo_page_shows_the_photo_large_with_caption_credit_and_licence(client):
    race = make_race()
    make_photo(
        race,
        caption="Into the Esses on the first lap",
        credit="Jane Lens",
        licence=Licence.BY_PERMISSION,
    )

    response = client.get(photo_url(race, 1))

    assertContains(response, "<h1>Into the Esses on the first lap</h1>", html=True)
    assertContains(response, "Photo: Jane Lens (by permission)")
    assertContains(response, "<picture>")
    assertNotContains(response, 'loading="lazy"')


def test_photo_page_links_to_its_cars_and_drivers(client):
    race = make_race()
    driver = make_driver("Lensman")
    entry = make_entry(race, drivers=[driver], car_number="38")
    photo = make_photo(race)
    photo.entries.add(entry)
    photo.drivers.add(driver)

    response = client.get(photo_url(race, 1))

    assertContains(response, f'href="{entry.get_absolute_url()}">#38</a>')
    assertContains(response, f'href="{driver.get_absolute_url()}"')


def test_photo_page_links_previous_and_next(client):
    race = make_race()
    for order in range(3):
        make_photo(race, gallery_order=order)

    middle = client.get(photo_url(race, 2))
    first = client.get(photo_url(race, 1))
    last = client.get(photo_url(race, 3))

    assertContains(middle, f'href="{photo_url(race, 1)}" rel="prev"')
    assertContains(middle, f'href="{photo_url(race, 3)}" rel="next"')
    assertNotContains(first, 'rel="prev"')
    assertNotContains(last, 'rel="next"')


@pytest.mark.parametrize("number", [0, 2, 99])
def test_photo_page_beyond_the_gallery_is_a_404(client, number):
    race = make_race()
    make_photo(race)

    assert client.get(photo_url(race, number)).status_code == 404


def test_photo_page_of_an_unknown_race_is_a_404(client):
    url = reverse(
        "photos:photo-detail", kwargs={"year": 1999, "slug": "nowhere", "number": 1}
    )
    assert client.get(url).status_code == 404


def test_photo_page_ignores_query_parameters_and_sets_no_cookie(client):
    race = make_race()
    make_photo(race)

    response = client.get(photo_url(race, 1) + "?cb=1")

    assert response.status_code == 200
    assert not response.cookies


def test_photo_get_absolute_url_is_its_place_in_the_gallery():
    race = make_race()
    make_photo(race, gallery_order=5)
    earlier = make_photo(race, gallery_order=1)

    assert earlier.get_absolute_url() == photo_url(race, 1)


# Driver, team and car pages.


def test_driver_team_and_car_pages_show_the_photos_they_appear_in(client):
    race = make_race()
    driver = make_driver("Snapped")
    entry = make_entry(race, drivers=[driver])
    photo = make_photo(race, caption="Snapped in the pits")
    make_photo(race, caption="Someone else entirely", gallery_order=1)
    photo.entries.add(entry)
    photo.drivers.add(driver)

    for obj in (driver, entry.team, entry.car_model):
        response = client.get(obj.get_absolute_url())
        assertContains(response, "Snapped in the pits")
        assertNotContains(response, "Someone else entirely")
        assertContains(response, f'href="{photo_url(race, 1)}"')


def test_driver_page_without_photos_has_no_photo_section(client):
    driver = make_driver("Unseen")
    make_entry(make_race(), drivers=[driver])

    response = client.get(driver.get_absolute_url())

    assertNotContains(response, "photos-heading")


def test_a_change_to_a_photo_makes_the_cached_race_page_stale(client):
    race = make_race()
    photo = make_photo(race, caption="Before the change")
    client.get(race.get_absolute_url())

    photo.caption = "After the change"
    photo.save()

    assertContains(client.get(race.get_absolute_url()), "After the change")


# Editors.


def race_change_url(race):
    return reverse("admin:races_race_change", args=[race.pk])


def test_editor_uploads_several_photos_at_once_in_the_race_page(editor_client):
    race = make_race(short_name="Test")
    url = race_change_url(race)
    data = admin_form_data(editor_client.get(url))
    for index, colour in enumerate(["#aa3333", "#3333aa"]):
        prefix = f"photos-{index}-"
        data.update(
            {
                f"{prefix}image": photo_upload(
                    f"p{index}.jpg", photo_bytes(800, 600, colour=colour)
                ),
                f"{prefix}alt_text": f"Generated pattern {index}",
                f"{prefix}caption": f"Uploaded caption {index}",
                f"{prefix}credit": "Test Photographer",
                f"{prefix}licence": "cc-by",
                f"{prefix}gallery_order": str(index),
            }
        )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and [
        form.errors for form in response.context["inline_admin_formsets"][1].formset
    ]
    assert list(race.photos.values_list("caption", flat=True)) == [
        "Uploaded caption 0",
        "Uploaded caption 1",
    ]


@pytest.mark.parametrize("missing", ["alt_text", "caption", "credit", "licence"])
def test_photo_needs_alt_text_caption_credit_and_licence(editor_client, missing):
    race = make_race()
    data = {
        "race": race.pk,
        "image": photo_upload(),
        "alt_text": "A generated pattern",
        "caption": "A caption",
        "credit": "Someone",
        "licence": "cc-by",
        "gallery_order": 0,
    }
    data[missing] = ""

    response = editor_client.post(reverse("admin:photos_photo_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[missing]
    assert not Photo.objects.exists()


def test_second_podium_photo_of_a_race_is_refused(editor_client):
    race = make_race()
    make_photo(race, is_podium=True)
    data = {
        "race": race.pk,
        "image": photo_upload(),
        "alt_text": "A generated pattern",
        "caption": "A caption",
        "credit": "Someone",
        "licence": "cc-by",
        "gallery_order": 0,
        "is_podium": "on",
    }

    response = editor_client.post(reverse("admin:photos_photo_add"), data)

    assertContains(response, "This race already has a podium photo.")
    assert Photo.objects.count() == 1


def test_story_photo_must_be_of_a_car_of_the_same_race(editor_client):
    race, other = make_race(), make_race()
    photo = make_photo(race)
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = admin_form_data(editor_client.get(url))
    data["story_entry"] = make_entry(other).pk

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "story_entry" in response.context["adminform"].form.errors


def test_editors_may_add_change_delete_and_view_photos(editor):
    assert editor.has_perms(
        [f"photos.{action}_photo" for action in ("add", "change", "delete", "view")]
    )


def test_staff_outside_the_editors_group_cannot_add_photos(client):
    client.force_login(User.objects.create_user("visitor", is_staff=True))

    response = client.get(reverse("admin:photos_photo_add"))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:photos_photo_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_editor_deletes_a_photo(editor_client):
    photo = make_photo(make_race())

    url = reverse("admin:photos_photo_delete", args=[photo.pk])
    editor_client.post(url, {"post": "yes"})

    assert not Photo.objects.exists()


# History and revert.


def revert(client, photo, record):
    url = reverse(
        "admin:photos_photo_simple_history", args=[photo.pk, record.history_id]
    )
    return client.post(url, admin_form_data(client.get(url)), follow=True)


def test_photo_revert_brings_back_its_words_and_the_cars_and_drivers_in_it(
    editor_client,
):
    race = make_race()
    kept, swapped = make_entry(race), make_entry(race)
    driver = make_driver("Pictured")
    photo = make_photo(race, caption="The caption as it was")
    photo.entries.add(kept)
    photo.drivers.add(driver)
    photo.save()
    before = photo.history.latest()

    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(caption="Changed by mistake", entries=[swapped.pk], drivers=[])
    assert editor_client.post(url, data).status_code == 302

    response = revert(editor_client, photo, before)

    assert response.status_code == 200
    photo.refresh_from_db()
    assert photo.caption == "The caption as it was"
    assert list(photo.entries.all()) == [kept]
    assert list(photo.drivers.all()) == [driver]
    assert photo.history.latest().history_change_reason.startswith("Reverted to")


def test_photo_revert_after_a_new_image_brings_back_the_old_files(editor_client):
    photo = make_photo(make_race(), upload=photo_upload(content=photo_bytes(700, 500)))
    before = photo.history.latest()
    old_files = (photo.original, photo.renditions)

    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = admin_form_data(editor_client.get(url))
    data["image"] = photo_upload(content=photo_bytes(640, 480, colour="#aa3333"))
    assert editor_client.post(url, data).status_code == 302
    photo.refresh_from_db()
    assert photo.original != old_files[0]

    revert(editor_client, photo, before)

    photo.refresh_from_db()
    assert (photo.original, photo.renditions) == old_files
    assert editor_client.get(f"/media/{photo.original}").status_code == 200


def test_deleted_photo_is_listed_and_restored(editor_client):
    photo = make_photo(make_race(), caption="Deleted by mistake")
    pk = photo.pk
    photo.delete()

    listing = editor_client.get(reverse("admin:photos_photo_deleted"))
    assertContains(listing, "Deleted by mistake")
    record = Photo.history.filter(id=pk, history_type="-").get()
    editor_client.post(reverse("admin:photos_photo_restore", args=[record.history_id]))

    assert Photo.objects.get(pk=pk).caption == "Deleted by mistake"


# Sitemap and API.


def test_sitemap_lists_each_photo_page_with_its_image(client):
    race = make_race()
    photo = make_photo(race, upload=photo_upload(width=2000, height=1000))

    response = client.get(reverse("sitemap"))

    content = response.content.decode()
    assert 'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"' in content
    largest = photo.largest_jpeg["url"]
    assert (
        f"<url><loc>http://testserver{photo_url(race, 1)}</loc><image:image>"
        f"<image:loc>http://testserver{largest}</image:loc></image:image></url>"
    ) in content
    assert largest.endswith("-1600.jpg")


def test_api_race_lists_its_photos_with_credit_licence_and_images(client):
    race = make_race()
    entry = make_entry(race, car_number="38")
    make_photo(
        race,
        caption="Credited in the API",
        credit="Jane Lens",
        licence=Licence.CC_BY,
        story_entry=entry,
        is_podium=True,
    )

    data = client.get(f"/api/races/{race.season.year}/{race.slug}").json()

    [photo] = data["photos"]
    assert photo["number"] == 1
    assert photo["url"] == photo_url(race, 1)
    assert photo["caption"] == "Credited in the API"
    assert photo["credit"] == "Jane Lens"
    assert photo["licence"] == "cc-by"
    assert photo["licence_name"] == "CC BY"
    assert photo["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert photo["is_podium_photo"] is True
    assert photo["story_car_number"] == "38"
    assert {image["type"] for image in photo["images"]} >= {"image/jpeg"}
    assert all(image["url"].startswith("/media/photos/") for image in photo["images"])


def test_api_race_without_photos_has_an_empty_list(client):
    race = make_race()

    data = client.get(f"/api/races/{race.season.year}/{race.slug}").json()

    assert data["photos"] == []


# The share card.


def card_pixel(client, race, xy):
    import io

    from PIL import Image

    url = reverse(
        "races:race-card", kwargs={"year": race.season.year, "slug": race.slug}
    )
    response = client.get(url)
    return Image.open(io.BytesIO(response.content)).convert("RGB").getpixel(xy)


def test_share_card_shows_the_podium_photo_on_its_right(client):
    race = make_race()
    make_photo(race, upload=photo_upload(content=photo_bytes(900, 600)))
    plain = card_pixel(client, race, (1100, 600))
    make_photo(
        race,
        upload=photo_upload(content=photo_bytes(900, 600, colour="#c03030")),
        is_podium=True,
    )

    marked = card_pixel(client, race, (1100, 600))

    assert plain == (0x14, 0x15, 0x17)
    assert marked[0] > 150 and marked[1] < 90


def test_deleting_a_race_with_photos_keeps_them_restorable(editor_client):
    from races.history import delete_race

    race = make_race()
    entry = make_entry(race)
    make_story(entry)
    photo = make_photo(race, story_entry=entry, caption="Went with its race")
    photo.entries.add(entry)
    pk = photo.pk

    delete_race(race)

    assert not Photo.objects.filter(pk=pk).exists()
    assert Photo.history.filter(id=pk, history_type="-").exists()


def test_photo_add_form_asks_as_many_queries_of_ten_times_the_cars(
    editor_client, django_assert_max_num_queries
):
    """Each car in the car lists is named with its race and season, read
    with the cars, not one car at a time."""
    race = make_race()
    url = reverse("admin:photos_photo_add")
    editor_client.get(url)
    with CaptureQueriesContext(connection) as few_cars:
        editor_client.get(url)
    add_full_field(race, 100)
    with django_assert_max_num_queries(len(few_cars)):
        assert editor_client.get(url).status_code == 200
