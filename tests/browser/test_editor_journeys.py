"""What an editor does in the admin, in a real browser."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from ..constants import MID_OHIO_CSV, MID_OHIO_URL

PASSWORD = "a-long-editor-pass-phrase"


@pytest.fixture
def editor_page(site, page):
    """A page logged in to the admin as a member of the Editors group."""
    user = User.objects.create_user("maria", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def open_race(page, site, name="American Le Mans at Mid-Ohio"):
    page.goto(f"{site}/admin/races/race/")
    page.get_by_role("link", name=name).click()


def inline_field(page, car_slug: str, field: str):
    """The input of one car's row in the race's entries inline."""
    slug_input = page.locator(f'input[name$="-slug"][value="{car_slug}"]')
    prefix = slug_input.get_attribute("name").removesuffix("slug")
    return page.locator(f'[name="{prefix}{field}"]')


def laps_on_public_page(page, site, car: str) -> str:
    page.goto(f"{site}{MID_OHIO_URL}")
    return page.locator(f"#car-{car} td.num").nth(3).inner_text()


def test_editor_corrects_a_result_and_the_public_page_changes(
    site, editor_page, screenshot
):
    page = editor_page
    assert laps_on_public_page(page, site, "45") == "113"
    open_race(page, site)
    screenshot("race-admin")
    inline_field(page, "45", "laps").fill("112")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert laps_on_public_page(page, site, "45") == "112"


def test_invalid_edit_shows_its_error_and_changes_nothing(
    site, editor_page, screenshot
):
    page = editor_page
    open_race(page, site)
    inline_field(page, "45", "laps").fill("130")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist").first).to_contain_text("more than the winner")
    screenshot("invalid-edit")
    assert laps_on_public_page(page, site, "45") == "113"


def test_import_with_a_bad_row_is_refused_then_a_good_one_is_imported(
    site, editor_page, tmp_path, screenshot
):
    page = editor_page
    open_race(page, site)
    page.get_by_role("link", name="Import results").click()
    bad = tmp_path / "bad.csv"
    bad.write_text(MID_OHIO_CSV.read_text().replace(",GT,3,31,", ",GT9,3,31,"))
    page.locator('input[type="file"]').set_input_files(bad)
    page.get_by_role("button", name=re.compile("Preview|Upload", re.I)).click()
    expect(page.locator("#import-preview")).to_contain_text("line 11: class 'GT9'")
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    screenshot("import-refused")

    good = tmp_path / "good.csv"
    good.write_text(
        MID_OHIO_CSV.read_text().replace(
            "Cort Wagner / Patrick Long", "Cort Wagner / Patrick Long / Jim Tester"
        )
    )
    page.locator('input[type="file"]').set_input_files(good)
    page.get_by_role("button", name=re.compile("Preview|Upload", re.I)).click()
    page.get_by_role("button", name=re.compile(r"Import \d+ rows")).click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(f"{site}{MID_OHIO_URL}")
    expect(page.get_by_role("link", name="Jim Tester")).to_be_visible()


def test_editor_reverts_a_change_from_history(site, editor_page, screenshot):
    page = editor_page
    open_race(page, site)
    page.get_by_label("Official name").fill("Renamed by mistake")
    page.get_by_role("button", name="Save", exact=True).click()
    open_race(page, site, name="Renamed by mistake")
    page.get_by_role("link", name="History").click()
    screenshot("history")
    page.get_by_role("link", name="2004 R2 American Le Mans at Mid-Ohio").click()
    page.get_by_role("button", name="Revert").first.click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    page.goto(f"{site}{MID_OHIO_URL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "American Le Mans at Mid-Ohio"
    )


def test_editor_logs_out(site, editor_page):
    page = editor_page
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Logged out")).to_be_visible()
    page.goto(f"{site}/admin/races/race/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
