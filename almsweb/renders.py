"""A bound on the expensive renders: PDF sheets, share cards and exports.

Cached copies of these cost nothing, but drawing one takes up to seconds of
CPU, and a visitor can always ask for one that is not cached yet. So each
host draws at most RENDER_SLOTS of them at once, across all its gunicorn
workers; a request beyond that gets a fast 503 with Retry-After instead of a
worker, and the other workers keep serving cached pages.

A slot is an exclusive lock (flock) on one of RENDER_SLOTS files under
RENDER_SLOT_DIR. The kernel frees the lock when its file is closed or its
process ends however it ends, so a worker killed mid-render (the worker
timeout) never leaves a slot taken.
"""

import fcntl
import logging
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 5

logger = logging.getLogger(__name__)


def take_render_slot():
    """A free render slot, as an open file to close when done, or None when
    every slot is taken."""
    folder = Path(settings.RENDER_SLOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(settings.RENDER_SLOTS):
        slot = (folder / f"slot-{number}.lock").open("a")
        try:
            fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            slot.close()
            continue
        return slot
    return None


def busy_response() -> HttpResponse:
    response = HttpResponse(
        "The server is busy drawing other sheets. Please try again in a few seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
    add_never_cache_headers(response)
    # Shed load, not a server error: logged here at INFO rather than by
    # django.request as an error (an error tracker would count each one).
    response._has_been_logged = True
    return response


def bounded_render(view):
    """Run the view in a render slot, or answer 503 at once when none is free.

    Only requests the page cache could not answer reach the view.
    """

    @wraps(view)
    def bounded(request, *args, **kwargs):
        slot = take_render_slot()
        if slot is None:
            logger.info("Every render slot is busy: 503 for %s", request.path)
            return busy_response()
        with slot:
            return view(request, *args, **kwargs)

    return bounded
