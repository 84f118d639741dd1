"""What a fan does, in a real browser, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from ..constants import MID_OHIO_URL

PHONE = {"width": 390, "height": 844}


def result_ids(page) -> list[str]:
    return page.locator("table.results tbody tr").evaluate_all(
        "rows => rows.map(row => row.id.replace('car-', ''))"
    )


def test_home_to_calendar_to_mid_ohio(site, page, screenshot):
    page.goto(site)
    screenshot("home")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Calendar"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2004 calendar")
    screenshot("calendar")
    page.get_by_role("link", name="American Le Mans at Mid-Ohio").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "American Le Mans at Mid-Ohio"
    )
    assert len(result_ids(page)) == 27
    screenshot("mid-ohio")


def test_sort_by_laps_and_by_car_number(site, page):
    page.goto(f"{site}{MID_OHIO_URL}")
    page.get_by_role("link", name="Laps", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=laps"))
    page.get_by_role("link", name=re.compile(r"^Laps")).click()
    expect(page).to_have_url(re.compile(r"sort=-laps"))
    assert result_ids(page)[0] == "38"
    page.get_by_role("link", name="No.", exact=True).click()
    assert result_ids(page)[:4] == ["3", "4", "16", "20"]


def test_filter_to_gt_and_back_keeps_the_sort(site, page):
    page.goto(f"{site}{MID_OHIO_URL}?sort=-laps")
    page.get_by_label("GT", exact=True).check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"class=GT"))
    expect(page).to_have_url(re.compile(r"sort=-laps"))
    ids = result_ids(page)
    assert len(ids) == 12 and ids[0] == "45"
    page.get_by_label("All", exact=True).check()
    page.get_by_role("button", name="Show").click()
    assert len(result_ids(page)) == 27


def test_story_link_leads_to_its_results_row_and_driver_page(site, page):
    page.goto(f"{site}{MID_OHIO_URL}")
    story = page.locator("#story-45")
    story.get_by_role("link", name="See in results").click()
    expect(page).to_have_url(re.compile(r"#car-45$"))
    expect(page.locator("#car-45")).to_be_in_viewport()
    page.locator("#car-45").get_by_role("link", name="Darren Law").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Darren Law")


def test_unknown_page_is_a_helpful_404(site, page, screenshot):
    response = page.goto(f"{site}/2004/monaco/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.get_by_role("link", name="The 2004 calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2004 calendar")
    screenshot("after-404")


def test_phone_results_table_scrolls_with_position_in_view(site, browser, screenshot):
    with browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True
    ) as phone:
        page = phone.new_page()
        page.goto(f"{site}{MID_OHIO_URL}")
        region = page.locator(".table-scroll").filter(has=page.locator("table.results"))
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"], "the page itself must not scroll sideways"
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")
        region.evaluate("el => el.scrollLeft = el.scrollWidth")
        first_cell = page.locator("#car-38 th")
        box = first_cell.bounding_box()
        assert 0 <= box["x"] < PHONE["width"], "the position column stays in view"
        screenshot("phone-mid-ohio", of=page)


@pytest.mark.parametrize("path", ["/", "/2004/", "/drivers/marco-werner/"])
def test_phone_pages_do_not_scroll_sideways(site, browser, path):
    with browser.new_context(viewport=PHONE, is_mobile=True) as phone:
        page = phone.new_page()
        page.goto(f"{site}{path}")
        page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]


def test_site_works_without_javascript(site, browser):
    with browser.new_context(java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(f"{site}{MID_OHIO_URL}?class=GTS")
        assert len(result_ids(page)) == 6
        page.get_by_role("searchbox", name="Search the site").fill("oconnell")
        page.get_by_role("button", name="Search").first.click()
        expect(page.get_by_role("link", name="Johnny O'Connell")).to_be_visible()


def test_no_request_leaves_the_site(site, page):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(site) and not request.url.startswith("data:")
            else None
        ),
    )
    for path in ["/", "/2004/mid-ohio/", "/classes/", "/drivers/"]:
        page.goto(f"{site}{path}")
    assert outside == []
