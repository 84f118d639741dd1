"""Benchmark the site as production runs it (`make bench`).

1. Starts gunicorn with gunicorn.conf.py and DJANGO_ENV=production on a free
   port of 127.0.0.1, as if behind a TLS proxy (X-Forwarded-Proto: https),
   after a new data version (as `make run`'s migrate makes), and times the
   first request for each page: what the first visitor after a start waits.
2. Prints each page's transferred bytes with Brotli, gzip and none, and the
   time of a first and a repeated request for the PDF sheet.
3. Loads each page and one static CSS file with wrk, at 32 and 64
   connections for a few seconds each, sending `Accept-Encoding: br, gzip`
   as browsers do, and prints requests/s, p50/p99 latency, errors, 5xx
   responses (from gunicorn's access log) and each page's throughput as a
   ratio to the static file's. `--worker-class gthread` runs the same with
   gunicorn's threaded workers (`--threads`, default 4) instead of sync ones.
4. Stops the server, then renders each page in-process without the page
   cache, against the real data and against ten times as much synthetic
   data (var/bench/10x.sqlite3, made by bench/synthesize.py), and prints
   the SQL query count and the render time of each.

The load only ever targets 127.0.0.1 and stops by itself. DATABASE_URL and
REDIS_URL, when set, are passed to the server.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
BROWSER_HEADERS = {**PROXY_HEADERS, "Accept-Encoding": "br, gzip"}
ENCODINGS = ("br", "gzip", "identity")

PAGES = [
    ("home", "/"),
    ("race page", "/2004/mid-ohio/"),
    ("calendar", "/2004/"),
    ("standings", "/2004/standings/"),
    ("PDF sheet", "/2004/mid-ohio/results.pdf"),
]
PDF_SHEET = "/2004/mid-ohio/results.pdf"
CONNECTIONS = (32, 64)
RENDER_RUNS = 30
REPEATS = 20


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    """The status and the body as sent (never decompressed)."""
    request = urllib.request.Request(url, headers=headers or PROXY_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def timed_fetch(url: str, headers: dict | None = None) -> float:
    """Milliseconds from sending the request to the last byte of the body."""
    started = time.perf_counter()
    fetch(url, headers)
    return (time.perf_counter() - started) * 1000


def start_server(port: int, log_file, worker_args: list[str]) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "HOST": HOST,
        "PORT": str(port),
    }
    env.pop("DJANGO_DEBUG", None)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            *worker_args,
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"http://{HOST}:{port}/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s.")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def run_wrk(url: str, connections: int, seconds: int) -> dict:
    header = [
        arg
        for name, value in BROWSER_HEADERS.items()
        for arg in ("-H", f"{name}: {value}")
    ]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(
        re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE)
    )
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"Unexpected wrk output for {url}:\n{output}")
    socket_errors = re.search(
        r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def count_5xx(log_path: Path, offset: int) -> int:
    with log_path.open() as log:
        log.seek(offset)
        return len(re.findall(r'HTTP/1\.[01]" 5\d\d ', log.read()))


def new_data_version() -> None:
    """What `make run`'s migrate does: every cached page is stale."""
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", BUMP_DATA_VERSION],
        cwd=BASE_DIR,
        check=True,
    )


BUMP_DATA_VERSION = "from almsweb.cache import bump_data_version; bump_data_version()"


def first_visits(base: str, targets: list[tuple[str, str]]) -> None:
    say("\nFirst request for each page after the start (renders it; ms)")
    for name, path in targets:
        milliseconds = timed_fetch(base + path, BROWSER_HEADERS)
        say(f"  {name:<12} {path:<30} {milliseconds:>7.1f}")


def transferred_bytes(base: str, targets: list[tuple[str, str]]) -> None:
    say("\nBytes sent per page, by Accept-Encoding")
    say(f"  {'target':<12} {'path':<30} " + " ".join(f"{e:>9}" for e in ENCODINGS))
    for name, path in targets:
        sizes = [
            len(fetch(base + path, {**PROXY_HEADERS, "Accept-Encoding": encoding})[1])
            for encoding in ENCODINGS
        ]
        say(f"  {name:<12} {path:<30} " + " ".join(f"{size:>9,}" for size in sizes))


def sheet_requests(base: str) -> None:
    """Once rendered (by the first visit), the sheet comes from the cache."""
    timings = [timed_fetch(base + PDF_SHEET) for _ in range(REPEATS)]
    say(
        f"\nPDF sheet {PDF_SHEET}, asked again {REPEATS} times: median "
        f"{statistics.median(timings):.1f} ms, max {max(timings):.1f} ms"
    )


def load_test(seconds: int, worker_args: list[str]) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log_path = BENCH_DIR / "gunicorn.log"
    port = free_port()
    base = f"http://{HOST}:{port}"
    new_data_version()
    with log_path.open("w") as log_file:
        server = start_server(port, log_file, worker_args)
        try:
            first_visits(base, PAGES)
            status, html = fetch(f"{base}/2004/mid-ohio/")
            stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
            if status != 200 or not stylesheet:
                raise SystemExit(f"The race page answered {status} without its CSS.")
            targets = [("static CSS", stylesheet.group(1).decode())]
            for name, path in PAGES:
                status, _ = fetch(base + path)
                if status == 404:
                    say(f"note: {path} answers 404 (not built yet); skipped.")
                    continue
                targets.append((name, path))
            transferred_bytes(base, targets)
            sheet_requests(base)
            say(
                f"\nLoad: wrk, {seconds} s per run, gunicorn with "
                f"{os.environ.get('WEB_CONCURRENCY', 'default')} "
                f"{' '.join(worker_args) or 'sync'} workers, "
                f"cache {'Redis' if os.environ.get('REDIS_URL') else 'files'}, "
                f"Accept-Encoding: {BROWSER_HEADERS['Accept-Encoding']}"
            )
            say(
                f"{'target':<12} {'path':<30} {'conns':>5} {'req/s':>9} "
                f"{'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'5xx':>5} {'ratio':>6}"
            )
            for connections in CONNECTIONS:
                static_rps = None
                for name, path in targets:
                    offset = log_path.stat().st_size
                    result = run_wrk(base + path, connections, seconds)
                    log_file.flush()
                    time.sleep(0.5)  # let the workers write their last log lines
                    server_errors = count_5xx(log_path, offset)
                    static_rps = static_rps or result["rps"]
                    say(
                        f"{name:<12} {path[:30]:<30} {connections:>5} "
                        f"{result['rps']:>9.0f} {result['p50']:>8.2f} "
                        f"{result['p99']:>8.2f} {result['errors']:>6} "
                        f"{server_errors:>5} {result['rps'] / static_rps:>6.2f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


def ten_times_database() -> Path:
    """A scratch SQLite file with the fixtures and 9 synthetic copies."""
    path = BENCH_DIR / "10x.sqlite3"
    if not path.exists():
        env = {**os.environ, "DJANGO_SQLITE_PATH": str(path)}
        env.pop("DATABASE_URL", None)
        for command in (
            ["manage.py", "migrate", "--noinput", "--verbosity", "0"],
            ["manage.py", "load_fixtures", "--verbosity", "0"],
            ["bench/synthesize.py", "--factor", "10"],
        ):
            subprocess.run([PYTHON, *command], cwd=BASE_DIR, env=env, check=True)
    return path


def measure_in_subprocess(database: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SQLITE_PATH": str(database),
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"):
        env.pop(name, None)
    output = subprocess.run(
        [PYTHON, __file__, "--measure"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def measure() -> None:
    """Print, as JSON, each page's query count and uncached render times."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "almsweb.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from races.models import Driver, Entry, Season

    results = {
        "seasons": Season.objects.count(),
        "entries": Entry.objects.count(),
        "drivers": Driver.objects.count(),
        "pages": {},
    }
    client = Client()
    # No page cache (nor the pages each process keeps): every request renders.
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy, PAGE_CACHE_SECONDS=0):
        for _, path in PAGES:
            if client.get(path).status_code != 200:
                continue
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            # Now: the next request's request_started signal clears the log.
            query_count = len(queries)
            timings = []
            # A sheet takes about 0.3 s a render: fewer runs of it.
            for _ in range(5 if path.endswith(".pdf") else RENDER_RUNS):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            results["pages"][path] = {
                "queries": query_count,
                "median_ms": statistics.median(timings),
                "max_ms": max(timings),
            }
    sys.stdout.write(json.dumps(results))


def render_report() -> None:
    real = measure_in_subprocess(BASE_DIR / "var" / "db.sqlite3")
    scaled = measure_in_subprocess(ten_times_database())
    say("\nRender without the page cache (median of 30, in-process, SQLite)")
    for label, data in (("1x", real), ("10x", scaled)):
        say(
            f"  {label:>3} data: {data['seasons']} seasons, {data['entries']} "
            f"entries, {data['drivers']} drivers"
        )
    say(
        f"{'path':<30} {'queries 1x':>10} {'10x':>5} {'ms 1x':>7} {'ms 10x':>7} "
        f"{'same queries':>13}"
    )
    for path, one in real["pages"].items():
        ten = scaled["pages"][path]
        say(
            f"{path:<30} {one['queries']:>10} {ten['queries']:>5} "
            f"{one['median_ms']:>7.1f} {ten['median_ms']:>7.1f} "
            f"{'yes' if one['queries'] == ten['queries'] else 'NO':>13}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="gunicorn's worker class (gunicorn.conf.py's is sync)",
    )
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--no-render", action="store_true", help="skip the in-process render times"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does).")
    worker_args = []
    if args.worker_class == "gthread":
        worker_args = ["--worker-class", "gthread", "--threads", str(args.threads)]
    load_test(args.seconds, worker_args)
    if not args.no_render:
        render_report()


if __name__ == "__main__":
    main()
