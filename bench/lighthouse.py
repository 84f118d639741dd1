"""Lighthouse's mobile performance score of the main pages (`make lighthouse`).

Starts gunicorn as `make bench` does (production settings, 127.0.0.1, a new
data version and the pages rendered before the workers start), then runs
Lighthouse (installed by `make lighthouse` into var/lighthouse) with its
default mobile emulation, a slow 4G network and a 4x slower CPU, simulated,
on each page with Debian's Chromium, and prints the score and the metrics
it is made of. Exits 1 when a page scores under 100.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    BENCH_DIR,
    HOST,
    PROXY_HEADERS,
    free_port,
    new_data_version,
    say,
    start_server,
)

BASE_DIR = Path(__file__).resolve().parent.parent
LIGHTHOUSE = BASE_DIR / "var" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = [
    ("home", "/"),
    ("calendar", "/2004/"),
    ("Mid-Ohio", "/2004/mid-ohio/"),
    ("classes", "/classes/"),
    ("standings", "/2004/standings/"),
]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def lighthouse(url: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        finished = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--only-categories=performance",
                "--output=json",
                f"--output-path={report.name}",
                f"--chrome-flags={CHROME_FLAGS}",
                # As behind the TLS proxy production runs behind.
                f"--extra-headers={json.dumps(PROXY_HEADERS)}",
            ],
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0:
            raise SystemExit(f"Lighthouse failed on {url}:\n{finished.stderr[-2000:]}")
        return json.loads(Path(report.name).read_text())


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: `make lighthouse` installs it.")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    new_data_version()
    below = []
    with (BENCH_DIR / "gunicorn-lighthouse.log").open("w") as log_file:
        server = start_server(port, log_file, [])
        try:
            say(
                f"{'page':<10} {'path':<18} {'score':>5}  "
                + "  ".join(METRICS.values())
            )
            for name, path in PAGES:
                report = lighthouse(f"http://{HOST}:{port}{path}")
                score = round(report["categories"]["performance"]["score"] * 100)
                metrics = "  ".join(
                    report["audits"][audit]["displayValue"].replace("\xa0", " ")
                    for audit in METRICS
                )
                say(f"{name:<10} {path:<18} {score:>5}  {metrics}")
                if score < 100:
                    below.append(name)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if below:
        raise SystemExit(f"Under 100: {', '.join(below)}.")


if __name__ == "__main__":
    main()
