import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from runpy import run_path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from .factories import make_classified_race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]

BASE_DIR = Path(django_settings.BASE_DIR)
SETTINGS_FILE = BASE_DIR / "almsweb" / "settings.py"

INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def production_env(tmp_path, **extra):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "alms.example.org",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_DEBUG", None)
    env.update(extra)
    return env


@pytest.fixture
def production_settings(tmp_path, monkeypatch):
    """The module-level names settings.py defines with DJANGO_ENV=production."""
    for name, value in production_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    return run_path(str(SETTINGS_FILE))


@pytest.fixture
def race():
    return make_classified_race()


@pytest.fixture
def race_url(race):
    return race.get_absolute_url()


def public_urls(race):
    winner = race.entries.get(slug="7")
    return [
        reverse("races:home"),
        reverse("races:season-detail", kwargs={"year": race.season.year}),
        race.get_absolute_url(),
        winner.drivers.first().get_absolute_url(),
        winner.team.get_absolute_url(),
        winner.car_model.get_absolute_url(),
        race.circuit.get_absolute_url(),
        f"{race.get_absolute_url()}?class=GT&sort=-laps",
        "/no-such-page/",
    ]


def inline_code(html: str) -> list[str]:
    """Inline styles, event handlers and scripts a strict CSP would block."""
    found = INLINE_STYLE.findall(html) + EVENT_HANDLER.findall(html)
    for attributes in SCRIPT_TAG.findall(html):
        if "src=" not in attributes and "application/ld+json" not in attributes:
            found.append(f"<script{attributes}>")
    return found


def test_csp_header_is_strict(client, race_url):
    policy = client.get(race_url)["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "nonce-" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_security_headers_are_on_every_public_page(client, race):
    for url in public_urls(race):
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


def test_public_pages_have_no_inline_script_or_style(client, race):
    for url in public_urls(race):
        html = client.get(url).content.decode()
        assert inline_code(html) == [], url


def test_inline_code_scan_catches_what_csp_blocks():
    assert inline_code('<p style="color: red">') == [" style="]
    assert inline_code("<style>p {}</style>") == ["<style"]
    assert inline_code('<a href="#" onclick="go()">') != []
    assert inline_code("<script>alert(1)</script>") == ["<script>"]
    assert inline_code('<script src="/static/x.js"></script>') == []
    assert inline_code('<script type="application/ld+json">{}</script>') == []


def test_admin_pages_load_their_assets_under_the_csp(admin_client, race):
    for url in (
        reverse("admin:index"),
        reverse("admin:races_race_changelist"),
        reverse("admin:races_race_change", args=[race.pk]),
    ):
        response = admin_client.get(url)
        policy = response["Content-Security-Policy"]
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        # Every script and stylesheet is same-origin and carries the nonce.
        tags = re.findall(r'<(?:script|link rel="stylesheet")\b[^>]*>', html)
        assert tags, url
        for tag in tags:
            assert re.search(r'(?:src|href)="/[^/]', tag), tag
            assert f'nonce="{nonce}"' in tag, tag
        for tag in re.findall(r"<style\b[^>]*>", html):
            assert f'nonce="{nonce}"' in tag, tag


def test_admin_login_page_is_not_cached_and_sets_secure_headers(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert (
        "private" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    assert "Content-Security-Policy" in response


def test_admin_login_locks_out_after_five_failures(client, django_user_model):
    django_user_model.objects.create_superuser("boss", password="the-right-one-42")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "guess"})
    response = client.post(url, {"username": "boss", "password": "the-right-one-42"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_works_with_the_right_password(client, django_user_model):
    django_user_model.objects.create_superuser("boss", password="the-right-one-42")
    response = client.post(
        reverse("admin:login"),
        {"username": "boss", "password": "the-right-one-42"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_production_settings_make_cookies_secure_and_https_only(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_HTTPONLY"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600


def test_production_without_secret_key_is_a_clear_error(tmp_path, monkeypatch):
    for name, value in production_env(tmp_path, DJANGO_SECRET_KEY="").items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        run_path(str(SETTINGS_FILE))


def test_https_responses_carry_hsts_in_production(
    client, settings, production_settings, race_url
):
    for name in (
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
    ):
        setattr(settings, name, production_settings[name])
    assert client.get(race_url).status_code == 301
    response = client.get(race_url, secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_session_cookie_is_secure_and_httponly_in_production(
    client, settings, production_settings, django_user_model
):
    settings.SESSION_COOKIE_SECURE = production_settings["SESSION_COOKIE_SECURE"]
    settings.CSRF_COOKIE_SECURE = production_settings["CSRF_COOKIE_SECURE"]
    django_user_model.objects.create_superuser("boss", password="the-right-one-42")
    response = client.post(
        reverse("admin:login"),
        {"username": "boss", "password": "the-right-one-42"},
        secure=True,
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout
