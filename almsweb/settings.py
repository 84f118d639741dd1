"""Settings for almsweb, read from the environment.

`make run` works on a fresh machine with no configuration: without
DJANGO_SECRET_KEY a key is generated once into the ignored `var/` folder.
Setting DJANGO_ENV=production makes a missing secret key a start-up error
and turns on HTTPS-only cookies, the HTTPS redirect and HSTS.
The README lists every variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def local_secret_key() -> str:
    """A key generated once for this checkout, kept out of git in var/."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


IS_PRODUCTION = os.environ.get("DJANGO_ENV", "local") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production."
        )
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tables2",
    "ninja",
    "simple_history",
    "axes",
    "races",
    "corrections",
    "photos",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves cached public pages before sessions and auth are even looked at,
    # with the headers stored with them (the CSP header among them).
    "almsweb.cache.PublicPageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which editor made each change in the history of season data.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "almsweb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "races.context_processors.current_season",
            ],
        },
    },
]

WSGI_APPLICATION = "almsweb.wsgi.application"

if DATABASE_URL := os.environ.get("DATABASE_URL", ""):
    # PostgreSQL (psycopg 3) for more than one host; keep connections open
    # between requests and check them before reuse.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=60, conn_health_checks=True
        )
    }
else:
    # One server: SQLite in WAL mode, so readers never wait for a writer.
    # Writers take the lock when their transaction begins (IMMEDIATE) and
    # wait up to 20 s for it, instead of failing with "database is locked".
    # Connections are kept between requests: opening one with its pragmas
    # costs about 1 ms, a tenth of a page render.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", VAR_DIR / "db.sqlite3"),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000"
                ),
            },
        }
    }

if REDIS_URL := os.environ.get("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "almsweb",
        }
    }
else:
    # A file cache, not local memory: every gunicorn worker must see the
    # same data version, or an edit would leave other workers serving stale
    # pages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "KEY_PREFIX": "almsweb",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# How long a rendered public page is kept. Any data change makes it stale
# at once (see almsweb/cache.py); this only bounds the space old pages take.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", 24 * 3600))
# How many sheets, share cards and exports one host draws at once, across
# all its workers; more at once are answered 503 (see almsweb/renders.py).
# By default half the CPUs, so the other half keeps serving cached pages.
RENDER_SLOTS = int(
    os.environ.get("DJANGO_RENDER_SLOTS", max(1, (os.cpu_count() or 2) // 2))
)
RENDER_SLOT_DIR = VAR_DIR / "render-slots"

# Email is printed to the console (the server's output) on a developer's
# machine; in production, or wherever DJANGO_EMAIL_HOST names a server, it
# goes out by SMTP (to the host's own mail server unless told otherwise).
SMTP_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost" if IS_PRODUCTION else "")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", 25)),
                "username": os.environ.get("DJANGO_EMAIL_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=False),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "alms2004@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Fans' corrections (corrections/spam.py): sends per address and period
# (refused ones too), counted in the cache, and the fewest seconds a person
# takes to fill in the form.
CORRECTIONS_RATE_LIMIT = (
    int(os.environ.get("DJANGO_CORRECTIONS_PER_HOUR", 10)),
    3600,
)
CORRECTIONS_MIN_FILL_SECONDS = 3

AUTHENTICATION_BACKENDS = [
    # Refuses logins from a username and address after too many failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Uploaded photos: files under var/media, served by the site itself
# (photos/media.py). Past one machine, S3-compatible object storage through
# django-storages (not installed by default: pip install django-storages[s3]).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_CDN_DOMAIN = os.environ.get("DJANGO_MEDIA_CDN_DOMAIN", "")
if MEDIA_BUCKET := os.environ.get("DJANGO_MEDIA_S3_BUCKET", ""):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_MEDIA_S3_REGION") or None,
            # The CDN's host name: pages link there, not to the bucket.
            "custom_domain": MEDIA_CDN_DOMAIN or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


def static_file_headers(headers, path, url) -> None:
    """A year, not WhiteNoise's ten, for files with a content hash in the name."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"max-age={365 * 24 * 3600}, public, immutable"


WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DJANGO_TABLES2_TEMPLATE = "includes/table.html"

# Security headers. The policy allows nothing inline: the public pages have
# no inline script or style, and the admin's few inline blocks carry the
# per-request nonce, which the header names only when a page used it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Photos come from the CDN when media lives in object storage.
    "img-src": [CSP.SELF, "data:"]
    + ([f"https://{MEDIA_CDN_DOMAIN}"] if MEDIA_CDN_DOMAIN else []),
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

if IS_PRODUCTION:
    # Behind a TLS-terminating proxy, gunicorn marks a request secure from
    # its X-Forwarded-Proto header (only from FORWARDED_ALLOW_IPS).
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe hosts over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
