"""Every page in the sitemap: no serious accessibility problem, valid HTML."""

import json
import re
import shutil
import subprocess
import urllib.request

import pytest

from .conftest import NODE_MODULES

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_RUN = (
    "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
    " 'wcag22aa', 'best-practice']})"
)


def sitemap_paths(site: str) -> list[str]:
    with urllib.request.urlopen(f"{site}/sitemap.xml") as response:
        xml = response.read().decode()
    return [
        re.sub(r"^https?://[^/]+", "", url)
        for url in re.findall(r"<loc>([^<]+)</loc>", xml)
    ]


def test_sitemap_lists_many_pages(site):
    assert len(sitemap_paths(site)) > 100


def test_every_sitemap_page_has_no_serious_accessibility_violation(site, browser):
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    context = browser.new_context()
    page = context.new_page()
    axe_source = AXE.read_text()
    problems = {}
    paths = sitemap_paths(site)
    for path in paths:
        page.goto(f"{site}{path}")
        page.evaluate(axe_source)
        results = page.evaluate(AXE_RUN)
        blocking = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x)"
            for v in results["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        if blocking:
            problems[path] = blocking
    context.close()
    assert problems == {}


def test_every_sitemap_page_is_valid_html(site, tmp_path):
    if not VNU.exists():
        pytest.skip("vnu-jar is missing: run `npm ci` (make test does)")
    if shutil.which("java") is None:
        pytest.skip("Java is missing: apt-get install default-jre-headless")
    path_of_file = {}
    for index, path in enumerate(sitemap_paths(site)):
        with urllib.request.urlopen(f"{site}{path}") as response:
            target = tmp_path / f"page-{index}.html"
            target.write_bytes(response.read())
            path_of_file[f"file:{target}"] = path  # the checker reports file:/…
    files = [uri.removeprefix("file:") for uri in path_of_file]
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{path_of_file.get(m['url'], m['url'])}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []


def serious_violations(page, axe_source) -> list[str]:
    page.evaluate(axe_source)
    results = page.evaluate(AXE_RUN)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x)"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_admin_pages_an_editor_uses_have_no_serious_violation(site, browser):
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    from django.contrib.auth.models import Group, User

    from races.models import Race

    user = User.objects.create_user("ed", password="a-long-pass-phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    race = Race.objects.get(slug="mid-ohio")
    entry = race.entries.get(slug="38")
    context = browser.new_context()
    page = context.new_page()
    axe_source = AXE.read_text()
    problems = {}
    page.goto(f"{site}/admin/login/")
    problems["/admin/login/"] = serious_violations(page, axe_source)
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    for path in [
        "/admin/",
        "/admin/races/race/",
        f"/admin/races/race/{race.pk}/change/",
        f"/admin/races/race/{race.pk}/import/",
        f"/admin/races/race/{race.pk}/history/",
        f"/admin/races/entry/{entry.pk}/change/",
        "/admin/races/driver/",
        "/admin/races/story/",
    ]:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")  # the admin's scripts have run
        problems[path] = serious_violations(page, axe_source)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}
