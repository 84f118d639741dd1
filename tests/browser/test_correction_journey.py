"""A fan's correction, from the race page to the changelog, in a real browser."""

import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from races.models import Entry

from .checkers import needs_axe, needs_vnu, nu_errors, serious_violations

PASSWORD = "a-long-editor-pass-phrase"
MOSPORT = "/2004/mosport/"


def car_without_a_number() -> tuple[str, str]:
    """The slug of a Mosport car whose number no source gave, and a number
    no other car of the race has."""
    cars = Entry.objects.filter(race__season__year=2004, race__slug="mosport")
    car = cars.filter(car_number="").order_by("slug").first()
    taken = set(cars.values_list("car_number", flat=True))
    number = next(n for n in ("20", "88", "99", "77", "66") if n not in taken)
    return car.slug, number


@pytest.fixture
def quick_form(settings):
    """The fill-time defence stays on, shorter than a test waits."""
    settings.CORRECTIONS_MIN_FILL_SECONDS = 1


def number_cell(page, car: str):
    """The "No." cell of the car's row in the race page's results table."""
    headers = [
        text.strip()
        for text in page.locator("table.results thead th").all_inner_texts()
    ]
    return page.locator(f"#car-{car} > *").nth(headers.index("No."))


def log_in(page, site):
    user = User.objects.create_user("maria", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_fans_missing_car_number_reaches_the_race_page_and_changelog(
    site, page, browser, screenshot, quick_form
):
    car, number = car_without_a_number()
    page.goto(f"{site}{MOSPORT}")
    expect(number_cell(page, car)).to_have_text("–")
    page.get_by_role("link", name="Suggest a correction or a missing fact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Suggest a correction or a missing fact"
    )
    page.get_by_label("The page's subject or one of its cars").select_option(
        f"entry:2004/mosport/{car}"
    )
    page.get_by_label("Which fact?").select_option("entry.car_number")
    page.get_by_label("The right value").fill(number)
    page.get_by_role("button", name="Send the suggestion").click()
    # Refused without a source, with what was typed kept.
    expect(page.get_by_role("alert")).to_contain_text("Source")
    expect(page.get_by_label("The right value")).to_have_value(number)
    screenshot("refused")
    page.get_by_label("Source", exact=True).fill("IMSA timing sheet, Mosport 2004")
    page.get_by_label("Name to credit you under (optional)").fill("Pat Fan")
    page.get_by_label("Credit me by this name in the public changelog").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is with the editors")
    screenshot("sent")

    editor_context = browser.new_context()
    editor = editor_context.new_page()
    log_in(editor, site)
    editor.get_by_role("link", name="1 new suggestion from fans to review").click()
    editor.get_by_role("link", name="#1", exact=True).click()
    expect(editor.locator(".correction-review")).to_contain_text("Car number")
    screenshot("review", of=editor)
    editor.get_by_role("button", name="Accept and apply").click()
    expect(editor.locator(".messagelist")).to_contain_text(f"is now “{number}”")
    editor_context.close()

    page.goto(f"{site}{MOSPORT}")
    expect(number_cell(page, car)).to_have_text(number)
    page.goto(f"{site}/changes/")
    change = page.locator(".change").first
    expect(change).to_contain_text(f"Car number: empty → “{number}”")
    expect(change).to_contain_text("by Pat Fan")
    expect(change).to_contain_text("IMSA timing sheet, Mosport 2004")
    expect(change).not_to_contain_text("maria")
    screenshot("changelog")
    with browser.new_context(viewport={"width": 390, "height": 844}) as phone_context:
        phone = phone_context.new_page()
        phone.goto(f"{site}/changes/")
        screenshot("changelog-phone", of=phone)


def test_the_new_pages_have_no_serious_accessibility_violation(site, browser):
    needs_axe()
    problems = {}
    with browser.new_context() as context:
        page = context.new_page()
        for path in [
            "/corrections/new/?about=race:2004/mosport",
            "/corrections/new/?about=driver:jj-lehto",
            "/corrections/new/?about=nothing",
            "/changes/",
        ]:
            page.goto(f"{site}{path}")
            problems[path] = serious_violations(page)
        page.goto(f"{site}/corrections/new/?about=race:2004/mosport")
        page.get_by_role("button", name="Send the suggestion").click()
        problems["form with errors"] = serious_violations(page)
        log_in(page, site)
        page.goto(f"{site}/admin/corrections/correction/")
        problems["queue"] = serious_violations(page)
    assert {path: found for path, found in problems.items() if found} == {}


def test_the_new_pages_are_valid_html(site, tmp_path):
    needs_vnu()
    pages = {}
    for path in [
        "/corrections/new/?about=race:2004/mosport",
        "/corrections/new/?about=circuit:mosport-international-raceway",
        "/corrections/new/?about=race:nothing",
        "/changes/",
        MOSPORT,
    ]:
        try:
            with urllib.request.urlopen(f"{site}{path}") as response:
                pages[path] = response.read()
        except urllib.error.HTTPError as error:  # the 400 page is checked too
            assert error.code == 400, path
            pages[path] = error.read()
    assert nu_errors(pages, tmp_path) == []
