"""The coverage page and the editors' Gaps page: no serious accessibility
problem at desktop and phone widths, valid HTML, usable without JavaScript."""

import urllib.request

import pytest

from .checkers import needs_axe, needs_vnu, nu_errors, serious_violations
from .conftest import log_in

COVERAGE_PATH = "/2004/coverage/"
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_coverage_page_has_no_serious_accessibility_violation(
    site, browser, screenshot, viewport
):
    needs_axe()
    with browser.new_context(viewport=viewport) as context:
        page = context.new_page()
        page.goto(f"{site}{COVERAGE_PATH}")
        screenshot(f"coverage-{viewport['width']}", of=page)
        problems = serious_violations(page)
    assert problems == []


def test_coverage_page_is_valid_html(site, tmp_path):
    needs_vnu()
    with urllib.request.urlopen(f"{site}{COVERAGE_PATH}") as response:
        page = {COVERAGE_PATH: response.read()}
    assert nu_errors(page, tmp_path) == []


def test_coverage_page_works_without_javascript(site, browser):
    with browser.new_context(java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(f"{site}{COVERAGE_PATH}")
        page.get_by_role("link", name="Mid-Ohio", exact=True).first.click()
        assert page.url.endswith(f"{COVERAGE_PATH}#round-2")
        heading = page.get_by_role(
            "heading", name="Round 2: American Le Mans at Mid-Ohio"
        )
        heading.get_by_role("link").click()
        assert page.url == f"{site}/2004/mid-ohio/"


def test_gaps_page_has_no_serious_accessibility_violation(site, browser, screenshot):
    needs_axe()
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("ed", password="a-long-pass-phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    with browser.new_context() as context:
        page = context.new_page()
        log_in(page, site, "ed", "a-long-pass-phrase")
        page.get_by_role("link", name="Gaps: what each round still lacks").click()
        page.wait_for_load_state()  # the click returns as the page starts to arrive
        screenshot("gaps", of=page)
        problems = serious_violations(page)
    assert problems == []
