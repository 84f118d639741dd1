"""Every page in the sitemap: no serious accessibility problem, valid HTML."""

import re
import urllib.request

from .checkers import (
    needs_axe,
    needs_vnu,
    nu_errors,
    serious_violations,
    serious_violations_of_each,
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
    needs_axe()
    with browser.new_context() as context:
        found = serious_violations_of_each(
            context, [f"{site}{path}" for path in sitemap_paths(site)]
        )
    assert {url: problems for url, problems in found.items() if problems} == {}


def test_every_sitemap_page_is_valid_html(site, tmp_path):
    needs_vnu()
    pages = {}
    for path in sitemap_paths(site):
        with urllib.request.urlopen(f"{site}{path}") as response:
            pages[path] = response.read()
    assert nu_errors(pages, tmp_path) == []


def test_admin_pages_an_editor_uses_have_no_serious_violation(site, browser):
    needs_axe()
    from django.contrib.auth.models import Group, User

    from races.models import Race

    user = User.objects.create_user("ed", password="a-long-pass-phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    race = Race.objects.get(slug="mid-ohio")
    entry = race.entries.get(slug="38")
    paths = [
        "/admin/",
        "/admin/races/race/",
        f"/admin/races/race/{race.pk}/change/",
        f"/admin/races/race/{race.pk}/import/",
        f"/admin/races/race/{race.pk}/history/",
        f"/admin/races/entry/{entry.pk}/change/",
        "/admin/races/driver/",
        "/admin/races/story/",
    ]
    problems = {}
    with browser.new_context() as context:
        page = context.new_page()
        page.goto(f"{site}/admin/login/")
        problems["/admin/login/"] = serious_violations(page)
        page.get_by_label("Username").fill("ed")
        page.get_by_label("Password").fill("a-long-pass-phrase")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{site}/admin/")
        found = serious_violations_of_each(
            context,
            [f"{site}{path}" for path in paths],
        )
    problems.update(found)
    assert {path: found for path, found in problems.items() if found} == {}
