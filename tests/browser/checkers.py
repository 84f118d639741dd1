"""The two quality gates' checkers: axe-core in the browser, and the Nu HTML
Checker (vnu.jar) on the pages' bytes."""

import json
import shutil
import subprocess
from collections import deque
from functools import cache
from pathlib import Path

import pytest

from .conftest import NODE_MODULES

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
BLOCKING_IMPACTS = ("serious", "critical")
# The checker runs for seconds, not hours: the JIT's quick tier alone and
# one garbage collector thread halve its CPU time. The quick tier's larger
# stack frames need a deeper stack than the default 1 MB (the checker
# stops with a StackOverflowError and says so).
SHORT_RUN_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m")
# axe still runs every rule over every element, but describes the elements
# (selector, HTML) only of violations, not of the many that pass: about
# three times faster, and the violations are reported in full as before.
AXE_OPTIONS = (
    "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',"
    " 'best-practice'], resultTypes: ['violations']}"
)


def serious_violations_script(within: str) -> str:
    """JavaScript for a promise of the serious violations as "id: help (Nx)"
    lines, worked out in the page so that only those lines cross to Python."""
    return (
        f"axe.run({within}, {AXE_OPTIONS}).then(results => results.violations"
        f".filter(v => {list(BLOCKING_IMPACTS)}.includes(v.impact))"
        ".map(v => `${v.id}: ${v.help} (${v.nodes.length}x)`))"
    )


def needs_axe():
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")


def needs_vnu():
    if not VNU.exists():
        pytest.skip("vnu-jar is missing: run `npm ci` (make test does)")
    if shutil.which("java") is None:
        pytest.skip("Java is missing: apt-get install default-jre-headless")


@cache
def axe_source() -> str:
    return AXE.read_text()


def start_axe(page, within: str = "document") -> None:
    """Start axe on the page and return at once; `axe_found` waits for it."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source())
    # axe does most of its work before it returns its promise: started from
    # a timer, it works while this returns to start the next tab.
    script = serious_violations_script(within)
    page.evaluate(
        "void (window.axeSeriousViolations = new Promise(resolve =>"
        f" setTimeout(resolve)).then(() => {script}))"
    )


def axe_found(page) -> list[str]:
    """The serious violations found by the axe run `start_axe` started."""
    return page.evaluate("window.axeSeriousViolations")


def serious_violations(page, within: str = "document") -> list[str]:
    """axe's serious and critical violations on the page as it is now;
    `within` is a JavaScript expression for the part of the page to check."""
    start_axe(page, within)
    return axe_found(page)


def serious_violations_of_each(context, urls, *, tabs=3) -> dict:
    """Each URL's serious violations, checked in `tabs` tabs at once: while
    axe runs on pages in their tabs' renderer processes, the next page loads
    in another tab (and the live server renders it).

    axe starts at the load event, when the pages' scripts (the admin's too)
    have run. What still arrives after it is the favicon and the admin's
    CSS icons: waiting for the network to be idle as well kept every
    element's markup and box as they were, half a second a page.
    """
    idle = [context.new_page() for _ in range(tabs)]
    for page in idle:
        # Sent once, not with every page: axe is 650 KB.
        page.add_init_script(axe_source())
    running = deque()
    found = {}
    for url in urls:
        if not idle:
            page, started_url = running.popleft()
            found[started_url] = axe_found(page)
            idle.append(page)
        page = idle.pop()
        page.goto(url)
        start_axe(page)
        running.append((page, url))
    for page, url in running:
        found[url] = axe_found(page)
        idle.append(page)
    for page in idle:
        page.close()
    return found


def network_idle(page) -> None:
    """Wait until nothing more is fetched: images have arrived, for a
    screenshot."""
    page.wait_for_load_state("networkidle")


def nu_errors(documents: dict[str, bytes], directory: Path) -> list[str]:
    """The Nu HTML Checker's errors in each document, as "name: message"
    lines, from one run of the checker over all of them (a Java start costs
    seconds; checking a page, milliseconds)."""
    name_of_file = {}
    for index, (name, body) in enumerate(documents.items()):
        target = directory / f"page-{index}.html"
        target.write_bytes(body)
        name_of_file[f"file:{target}"] = name  # the checker reports file:/…
    result = subprocess.run(
        ["java", *SHORT_RUN_JVM, "-jar", str(VNU), "--errors-only", "--format", "json"]
        + [uri.removeprefix("file:") for uri in name_of_file],
        capture_output=True,
        text=True,
        check=False,
    )
    # With --format json the report is on stderr, always, also when it is
    # empty: anything else there means the checker did not run.
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{name_of_file.get(m.get('url'), m.get('url'))}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
