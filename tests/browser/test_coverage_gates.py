"""The coverage page and the editors' Gaps page: no serious accessibility
problem at desktop and phone widths, valid HTML, usable without JavaScript."""

import json
import shutil
import subprocess
import urllib.request

import pytest

from .test_quality_gates import AXE, VNU, serious_violations

COVERAGE_PATH = "/2004/coverage/"
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_coverage_page_has_no_serious_accessibility_violation(
    site, browser, screenshot, viewport
):
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{site}{COVERAGE_PATH}")
    screenshot(f"coverage-{viewport['width']}", of=page)
    problems = serious_violations(page, AXE.read_text())
    context.close()
    assert problems == []


def test_coverage_page_is_valid_html(site, tmp_path):
    if not VNU.exists():
        pytest.skip("vnu-jar is missing: run `npm ci` (make test does)")
    if shutil.which("java") is None:
        pytest.skip("Java is missing: apt-get install default-jre-headless")
    target = tmp_path / "coverage.html"
    with urllib.request.urlopen(f"{site}{COVERAGE_PATH}") as response:
        target.write_bytes(response.read())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m.get("type") == "error"] == []


def test_coverage_page_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}{COVERAGE_PATH}")
    page.get_by_role("link", name="Mid-Ohio", exact=True).first.click()
    assert page.url.endswith(f"{COVERAGE_PATH}#round-2")
    heading = page.get_by_role("heading", name="Round 2: American Le Mans at Mid-Ohio")
    heading.get_by_role("link").click()
    assert page.url == f"{site}/2004/mid-ohio/"
    context.close()


def test_gaps_page_has_no_serious_accessibility_violation(site, browser, screenshot):
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("ed", password="a-long-pass-phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Gaps: what each round still lacks").click()
    page.wait_for_load_state("networkidle")  # the admin's scripts have run
    screenshot("gaps", of=page)
    problems = serious_violations(page, AXE.read_text())
    context.close()
    assert problems == []
