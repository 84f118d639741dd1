"""Soak the site under a mixed load for a minute (`make soak`).

1. Builds a scratch site under var/soak (its own SQLite database, file cache,
   render slots and static files; DATABASE_URL and REDIS_URL are ignored),
   loads the 2004 fixtures and creates an editor.
2. Starts gunicorn as production runs it (bench/run.py's helpers) on a free
   port of 127.0.0.1.
3. For --seconds (60), at once:
   - visitors read cached pages (the home page, calendar, race pages,
     standings, drivers, classes);
   - an attacker asks for sheets, share cards and exports with random query
     strings and made-up session cookies;
   - an editor logs in through the admin login form and every second opens
     the Mid-Ohio race's change form, sends back every field as the form
     has it (whatever hidden fields it carries) with the source note set to
     a counter, and checks the save was either shown afterwards or refused
     with a message.
4. Prints the p99 of the cached pages, the errors (must be 0), the renders
   shed with 503 by the render bound (counted apart), and the lost edits:
   saves reported successful whose value is not in the race's history (must
   be 0). Exits non-zero when either rule is broken.

Only 127.0.0.1 is ever contacted, every loop ends with the time limit, and
the server is stopped at the end.
"""

import argparse
import http.cookies
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import run as bench

SOAK_DIR = bench.BASE_DIR / "var" / "soak"
EDITOR = "soak-editor"
EDITOR_PASSWORD = "soak-" + os.urandom(8).hex()
CACHED_PAGES = [
    "/",
    "/2004/",
    "/2004/mid-ohio/",
    "/2004/sebring/",
    "/2004/standings/",
    "/drivers/",
    "/classes/",
]
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(M)sms'
VISITORS = 6
ATTACKERS = 3
TIMEOUT = 30


class Tally:
    """Counts and latencies shared by the load threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.page_ms = []
        self.slowest = (0.0, "", "")  # ms, path, wall-clock time it ended
        self.errors = []
        self.shed = 0
        self.sheets = 0
        self.saves = {}  # counter value -> outcome
        self.refusals = []

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def request(url, *, data=None, headers=None, cookies=None):
    """(status, headers, body) of one request; redirects are not followed."""
    headers = {**bench.PROXY_HEADERS, **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(
            urllib.request.Request(url, data=body, headers=headers), timeout=TIMEOUT
        ) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def remember_cookies(cookies: dict, headers) -> None:
    for header in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            cookies[name] = morsel.value


class FormFields(HTMLParser):
    """Every field a browser would send from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields = []  # (name, value) pairs, in order
        self.select = None  # (name, multiple, options, chosen)
        self.textarea = None  # (name, text parts)
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                (
                    name,
                    attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                )
            )
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self.select:
            self.option = [attrs.get("value"), "selected" in attrs, []]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)
        if self.option:
            self.option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, parts = self.textarea
            # A browser drops the one newline right after <textarea>.
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.option:
            self.close_option()
        elif tag == "select" and self.select:
            self.close_option()
            name, multiple, options, chosen = self.select
            if not chosen and not multiple and options:
                chosen = options[:1]
            self.fields.extend((name, value) for value in chosen)
            self.select = None

    def close_option(self):
        if self.option:
            value, selected, text = self.option
            value = "".join(text).strip() if value is None else value
            self.select[2].append(value)
            if selected:
                self.select[3].append(value)
            self.option = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def refusal_message(html: str) -> str:
    """The admin's error note and field errors, as text."""
    for marker in ('class="errornote"', 'class="errorlist', 'class="error"'):
        start = html.find(marker)
        if start >= 0:
            end = html.find("</", start)
            text = html[html.find(">", start) + 1 : end]
            return " ".join(text.split())[:200] or marker
    return ""


def setup_site() -> tuple[int, list[str]]:
    """A fresh scratch site; the Mid-Ohio race's id and every race slug."""
    shutil.rmtree(SOAK_DIR, ignore_errors=True)
    SOAK_DIR.mkdir(parents=True)
    os.environ["DJANGO_VAR_DIR"] = str(SOAK_DIR)
    # Each access log line also gives the time the worker spent, so the
    # report can tell it from the time a request waited for a free worker.
    os.environ["GUNICORN_CMD_ARGS"] = f"--access-logformat '{ACCESS_LOG_FORMAT}'"
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SQLITE_PATH", "DJANGO_DEBUG"):
        os.environ.pop(name, None)
    env = {**os.environ, "DJANGO_EDITOR_PASSWORD": EDITOR_PASSWORD}
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_fixtures", "--verbosity", "0"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["create_editor", EDITOR],
    ):
        subprocess.run(
            [bench.PYTHON, "manage.py", *command],
            cwd=bench.BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    with sqlite3.connect(SOAK_DIR / "db.sqlite3") as db:
        race_id = db.execute(
            "SELECT id FROM races_race WHERE slug = 'mid-ohio'"
        ).fetchone()[0]
        slugs = [row[0] for row in db.execute("SELECT slug FROM races_race")]
    return race_id, slugs


def visitor(base: str, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        path = random.choice(CACHED_PAGES)
        started = time.perf_counter()
        try:
            status, _, _ = request(base + path)
        except OSError as error:
            tally.error(f"{path}: {error}")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        with tally.lock:
            tally.page_ms.append(elapsed)
            tally.slowest = max(tally.slowest, (elapsed, path, time.strftime("%X")))
        if status != 200:
            tally.error(f"{path}: {status}")


def attacker(base: str, deadline: float, tally: Tally, slugs: list[str]) -> None:
    while time.monotonic() < deadline:
        slug = random.choice(slugs)
        path = random.choice(
            [
                "/2004/standings.pdf",
                f"/2004/{slug}/results.pdf",
                f"/2004/{slug}/card.png",
                f"/2004/{slug}/results.xlsx",
                f"/2004/{slug}/results.csv",
            ]
        )
        query = {"cb": random.randrange(10**9)}
        if random.random() < 0.3:
            query["paper"] = "letter"
        url = f"{base}{path}?{urllib.parse.urlencode(query)}"
        cookies = {"sessionid": os.urandom(16).hex()}
        try:
            status, _, _ = request(url, cookies=cookies)
        except OSError as error:
            tally.error(f"{path}: {error}")
            continue
        with tally.lock:
            tally.sheets += 1
            if status == 503:
                tally.shed += 1
        if status not in (200, 503):
            tally.error(f"{path}: {status}")


def log_in(base: str) -> dict:
    cookies = {}
    status, headers, body = request(f"{base}/admin/login/")
    remember_cookies(cookies, headers)
    fields = dict(form_fields(body.decode(), "login-form"))
    fields.update(username=EDITOR, password=EDITOR_PASSWORD, next="/admin/")
    status, headers, body = request(
        f"{base}/admin/login/",
        data=fields,
        cookies=cookies,
        headers=same_origin(base),
    )
    remember_cookies(cookies, headers)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"The editor could not log in ({status}).")
    return cookies


def same_origin(base: str) -> dict:
    # Production treats the requests as HTTPS (X-Forwarded-Proto), where the
    # CSRF check wants a same-origin Origin header.
    origin = "https://" + base.removeprefix("http://")
    return {"Origin": origin, "Referer": origin + "/admin/"}


def editor(base: str, deadline: float, tally: Tally, race_id: int) -> None:
    cookies = log_in(base)
    change_url = f"{base}/admin/races/race/{race_id}/change/"
    counter = 0
    last_saved = None
    while time.monotonic() < deadline:
        tick = time.monotonic()
        counter += 1
        value = f"soak save {counter}"
        try:
            status, headers, body = request(change_url, cookies=cookies)
            remember_cookies(cookies, headers)
            if status != 200:
                tally.error(f"change form: {status}")
                continue
            fields = form_fields(body.decode(), "race_form")
            shown = dict(fields).get("source_note")
            if last_saved is not None and shown != last_saved:
                tally.error(f"saved {last_saved!r} but the form shows {shown!r}")
            fields = [(k, v) for k, v in fields if k != "source_note"]
            fields += [("source_note", value), ("_continue", "Save")]
            status, headers, body = request(
                change_url, data=fields, cookies=cookies, headers=same_origin(base)
            )
            remember_cookies(cookies, headers)
        except OSError as error:
            tally.error(f"save {counter}: {error}")
            continue
        if status == 302:
            last_saved = value
            with tally.lock:
                tally.saves[value] = "saved"
        elif status in (200, 409) and (message := refusal_message(body.decode())):
            with tally.lock:
                tally.saves[value] = "refused"
                tally.refusals.append(message)
        else:
            tally.error(f"save {counter}: {status} without a message")
        time.sleep(max(0.0, 1 - (time.monotonic() - tick)))


def history_notes(race_id: int) -> set[str]:
    with sqlite3.connect(SOAK_DIR / "db.sqlite3") as db:
        stored = db.execute(
            "SELECT source_note FROM races_race WHERE id = ?", (race_id,)
        ).fetchone()[0]
        rows = db.execute(
            "SELECT source_note FROM races_historicalrace WHERE id = ?", (race_id,)
        )
        return {stored, *(row[0] for row in rows)}


def worker_ms_of_cached_pages(log_path) -> list[float]:
    """How long the workers spent on each cached page request, from the log."""
    pattern = re.compile(r'"GET (\S+) HTTP/1\.[01]" 200 (\d+)ms')
    with log_path.open() as log:
        return [
            float(found.group(2))
            for found in map(pattern.search, log)
            if found and found.group(1) in CACHED_PAGES
        ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--visitors", type=int, default=VISITORS)
    parser.add_argument("--attackers", type=int, default=ATTACKERS)
    args = parser.parse_args()
    bench.say("Building the scratch site in var/soak ...")
    race_id, slugs = setup_site()
    port = bench.free_port()
    base = f"http://{bench.HOST}:{port}"
    tally = Tally()
    log_path = SOAK_DIR / "gunicorn.log"
    with log_path.open("w") as log_file:
        server = bench.start_server(port, log_file)
        try:
            for path in CACHED_PAGES:  # warm the cache, as visitors would
                bench.fetch(base + path)
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=visitor, args=(base, deadline, tally))
                for _ in range(args.visitors)
            ]
            threads += [
                threading.Thread(target=attacker, args=(base, deadline, tally, slugs))
                for _ in range(args.attackers)
            ]
            threads.append(
                threading.Thread(target=editor, args=(base, deadline, tally, race_id))
            )
            bench.say(
                f"Soaking {base} for {args.seconds} s: {args.visitors} visitors, "
                f"{args.attackers} attackers, 1 editor ..."
            )
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    server_errors = bench.count_5xx(log_path, 0) - tally.shed
    saved = [value for value, outcome in tally.saves.items() if outcome == "saved"]
    lost = sorted(set(saved) - history_notes(race_id))
    pages = tally.page_ms or [0.0]
    bench.say(
        f"\ncached pages: {len(tally.page_ms)} requests, "
        f"p50 {statistics.median(pages):.1f} ms, p99 {percentile(pages, 0.99):.1f} ms, "
        f"max {max(pages):.1f} ms"
    )
    bench.say("  slowest: {:.0f} ms for {} (ended {})".format(*tally.slowest))
    worker_ms = worker_ms_of_cached_pages(log_path) or [0.0]
    bench.say(
        f"  in the workers (without waiting for one): "
        f"p50 {statistics.median(worker_ms):.1f} ms, "
        f"p99 {percentile(worker_ms, 0.99):.1f} ms"
    )
    bench.say(
        f"sheets, cards, exports: {tally.sheets} requests, {tally.shed} shed with "
        "503 by the render bound"
    )
    bench.say(
        f"editor: {len(saved)} saves, {len(tally.saves) - len(saved)} refused with "
        f"a message{': ' + tally.refusals[0] if tally.refusals else ''}"
    )
    bench.say(
        f"errors: {len(tally.errors)} (5xx other than 503 in the log: {server_errors})"
    )
    for text in tally.errors[:10]:
        bench.say(f"  {text}")
    bench.say(f"lost edits: {len(lost)}{' ' + ', '.join(lost[:5]) if lost else ''}")
    if tally.errors or server_errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
