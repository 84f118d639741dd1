"""Time the Mid-Ohio results PDF: `make bench-pdf`.

Renders the sheet through the real view (URL routing, queries, template,
WeasyPrint) several times on both paper sizes and prints the times. The
first render also pays for loading WeasyPrint's fonts; the budget is one
second per sheet.
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

BUDGET_SECONDS = 1.0
RUNS = 10


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def time_once(client: Client, url: str, paper: str) -> float:
    start = time.perf_counter()
    response = client.get(url, {"paper": paper})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    assert response.content.startswith(b"%PDF")
    return elapsed


def main() -> int:
    client = Client(SERVER_NAME="localhost")
    url = reverse("races:race-results-pdf", kwargs={"year": 2004, "slug": "mid-ohio"})
    first = time_once(client, url, "a4")
    report(f"first render (cold): {first:.3f} s")
    worst = first
    for paper in ("a4", "letter"):
        times = [time_once(client, url, paper) for _ in range(RUNS)]
        worst = max(worst, *times)
        report(
            f"{paper:6} median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s ({RUNS} runs)"
        )
    verdict = "within" if worst < BUDGET_SECONDS else "OVER"
    report(f"slowest {worst:.3f} s: {verdict} the {BUDGET_SECONDS:.0f} s budget")
    return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
