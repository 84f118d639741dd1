"""Quality gates with photos present: a few generated photos (never real ones)
are added to Mid-Ohio, then axe and the Nu checker look at every page that
shows them, at desktop and phone widths, and the pages are checked for
layout shift, lazy loading and working without JavaScript."""

import urllib.request

import pytest

from photos.models import Licence
from tests.factories import make_photo, photo_bytes, photo_upload

from .checkers import (
    AXE,
    VNU,
    needs_axe,
    needs_vnu,
    network_idle,
    nu_errors,
    serious_violations,
    serious_violations_of_each,
)
from .conftest import NODE_MODULES, log_in

WIDTHS = {"desktop": 1280, "phone": 390}
PHOTOS_INLINE = "document.getElementById('photos-group')"


@pytest.fixture
def photo_site(site, settings, tmp_path):
    """The site with four generated photos of Mid-Ohio: a podium photo, two
    story photos and one for the gallery only."""
    from races.models import Race

    settings.MEDIA_ROOT = tmp_path / "media"
    race = Race.objects.get(slug="mid-ohio")
    entries = list(race.entries.filter(story__isnull=False).order_by("position")[:2])
    photos = [
        make_photo(
            race,
            upload=photo_upload(content=photo_bytes(1800, 1200, colour="#8a2b2b")),
            alt_text="A dark red field with a yellow block in the top left corner",
            caption="Generated test picture of the LMP1 podium",
            is_podium=True,
            licence=Licence.BY_PERMISSION,
        ),
        make_photo(
            race,
            upload=photo_upload(content=photo_bytes(1600, 1067, colour="#2b4f8a")),
            alt_text="A dark blue field with a yellow block in the top left corner",
            caption="Generated test picture of the winning car",
            story_entry=entries[0],
            gallery_order=1,
        ),
        make_photo(
            race,
            upload=photo_upload(content=photo_bytes(1200, 1600, colour="#2b8a4f")),
            alt_text="A green field with a yellow block in the top left corner",
            caption="Generated test picture in portrait",
            story_entry=entries[1],
            gallery_order=2,
            licence=Licence.CC_BY_SA,
            source_url="https://example.com/generated",
        ),
        make_photo(
            race,
            upload=photo_upload(content=photo_bytes(700, 467, colour="#6a6a6a")),
            alt_text="A grey field with a yellow block in the top left corner",
            caption="Generated test picture, small",
            gallery_order=3,
            licence=Licence.PUBLIC_DOMAIN,
        ),
    ]
    entry = entries[0]
    photos[1].entries.add(entry)
    photos[1].drivers.add(*entry.drivers.all())
    return {"url": site, "race": race, "entry": entry, "photos": photos}


def photo_pages(photo_site) -> list[str]:
    race, entry = photo_site["race"], photo_site["entry"]
    driver = entry.drivers.first()
    return [
        race.get_absolute_url(),
        *(f"{race.get_absolute_url()}photos/{n}/" for n in range(1, 5)),
        driver.get_absolute_url(),
        entry.team.get_absolute_url(),
        entry.car_model.get_absolute_url(),
    ]


def test_pages_with_photos_have_no_serious_accessibility_violation(
    photo_site, browser, screenshot
):
    needs_axe()
    site = photo_site["url"]
    problems = {}
    for label, width in WIDTHS.items():
        with browser.new_context(viewport={"width": width, "height": 900}) as context:
            found = serious_violations_of_each(
                context,
                [f"{site}{path}" for path in photo_pages(photo_site)],
            )
            problems.update(
                {
                    f"{url.removeprefix(site)} at {width}px": problems_there
                    for url, problems_there in found.items()
                    if problems_there
                }
            )
            page = context.new_page()
            page.goto(f"{site}{photo_site['race'].get_absolute_url()}")
            scroll_through(page)
            screenshot(f"race-{label}", of=page)
            page.goto(f"{site}{photo_pages(photo_site)[2]}")
            network_idle(page)
            screenshot(f"photo-page-{label}", of=page)
    assert problems == {}


def test_pages_with_photos_are_valid_html(photo_site, tmp_path):
    needs_vnu()
    pages = {}
    for path in photo_pages(photo_site):
        with urllib.request.urlopen(f"{photo_site['url']}{path}") as response:
            pages[path] = response.read()
    assert nu_errors(pages, tmp_path) == []


def scroll_through(page):
    """Scroll to the bottom in steps, so lazy images load, then wait for them."""
    height = page.evaluate("document.body.scrollHeight")
    for _ in range(0, height, 600):
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(30)
    page.wait_for_load_state("networkidle")


def test_race_page_photos_load_without_layout_shift(photo_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(
        "window.shift = 0; new PerformanceObserver(list => { for (const e of "
        "list.getEntries()) { if (!e.hadRecentInput) window.shift += e.value; } })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(f"{photo_site['url']}{photo_site['race'].get_absolute_url()}")
    scroll_through(page)

    images = page.evaluate(
        "[...document.querySelectorAll('picture img')].map(img => ({"
        "src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0,"
        "width: img.getAttribute('width'), height: img.getAttribute('height'),"
        "lazy: img.loading}))"
    )
    shift = page.evaluate("window.shift")
    context.close()

    assert len(images) == 4 + 1 + 2  # gallery, podium photo, two stories
    assert all(image["loaded"] for image in images), images
    assert all(image["width"] and image["height"] for image in images)
    assert any(image["src"].endswith((".avif", ".webp")) for image in images)
    assert shift < 0.01


def test_gallery_and_photo_pages_work_without_javascript(photo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{photo_site['url']}{photo_site['race'].get_absolute_url()}")

    page.get_by_role("link", name="Photo 2 of 4, larger").click()
    page.get_by_role("link", name="Next photo").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Previous photo").click()
    previous = page.get_by_role("heading", level=1).inner_text()
    context.close()

    assert heading == "Generated test picture in portrait"
    assert previous == "Generated test picture of the winning car"


def test_admin_photo_pages_have_no_serious_violation(photo_site, browser):
    needs_axe()
    from django.contrib.auth.models import Group, Permission, User

    editors = Group.objects.get(name="Editors")
    # The browser tests' site fixture resets the group to the races app's
    # permissions; the photos migration gives editors these.
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="photos")
    )
    user = User.objects.create_user("ed", password="a-long-pass-phrase", is_staff=True)
    user.groups.add(editors)
    site = photo_site["url"]
    race, photo = photo_site["race"], photo_site["photos"][1]
    with browser.new_context() as context:
        page = context.new_page()
        log_in(page, site, "ed", "a-long-pass-phrase")
        page.wait_for_url(f"{site}/admin/")
        page.goto(f"{site}/admin/races/race/{race.pk}/change/")
        # Only the photos inline: the rest of the race page is other tests' to judge.
        problems = {
            "race page, photos inline": serious_violations(page, within=PHOTOS_INLINE)
        }
        problems.update(
            serious_violations_of_each(
                context,
                [
                    f"{site}{path}"
                    for path in [
                        "/admin/photos/photo/",
                        "/admin/photos/photo/add/",
                        f"/admin/photos/photo/{photo.pk}/change/",
                        f"/admin/photos/photo/{photo.pk}/history/",
                    ]
                ],
            )
        )
    assert {path: found for path, found in problems.items() if found} == {}


def test_node_modules_are_where_the_gates_expect_them():
    # Guards against the gates above silently skipping on a set-up machine.
    if not NODE_MODULES.exists():
        pytest.skip("npm ci has not run")
    assert AXE.exists() and VNU.exists()
