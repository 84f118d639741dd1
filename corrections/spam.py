"""Defences of the suggestion form against scripts and floods.

- A honeypot field people never see (forms.py) and a minimum fill time: the
  form carries the moment it was shown, signed, so it cannot be forged.
- A per-address limit on sends, counted in Django's cache: with Redis as the
  cache every host counts together. The address is found the way the
  login throttle finds it (django-axes, configured with AXES_* settings), so
  one setting covers both behind a proxy.
"""

import time
from hashlib import sha256

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "corrections.form-shown-at"
# A form kept open longer than this must be sent again from a fresh page.
FORM_MAX_AGE = 24 * 3600


def shown_at_token() -> str:
    """A signed record of when the form was shown."""
    return signing.dumps(time.time(), salt=SALT)


def seconds_since_shown(token: str) -> float | None:
    """How long ago the form carrying `token` was shown; None if forged or old."""
    try:
        shown = signing.loads(token or "", salt=SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(shown, int | float):
        return None
    return time.time() - shown


def rate_key(request) -> str:
    address = get_client_ip_address(request) or "unknown"
    return f"corrections:sends:{sha256(address.encode()).hexdigest()[:32]}"


def is_over_limit(request) -> bool:
    """Count one send from the request's address; True once past the limit."""
    limit, seconds = settings.CORRECTIONS_RATE_LIMIT
    key = rate_key(request)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count > limit
