"""Serving uploaded photos from var/media when the site serves its own media
(`make run`, one machine). Past one machine a CDN serves them from object
storage and this view is not used.

Only the files the site itself wrote are served: stored originals and
renditions, whose names are a content hash and a known image extension.
Anything else, and any other path, is a 404, so an uploaded file can never
be served as HTML, SVG or a script. Each is sent with its image type (never
sniffed) and a year's immutable cache: a name never changes content.
"""

import re

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

from .images import CONTENT_TYPES, ORIGINALS, RENDITIONS

SERVED_NAME = re.compile(
    rf"^(?:{ORIGINALS}|{RENDITIONS})/[0-9a-f]{{32}}(?:-[0-9]{{1,5}})?"
    rf"\.(?P<extension>{'|'.join(CONTENT_TYPES)})$"
)
A_YEAR = 365 * 24 * 3600


@require_safe
def serve_photo_file(request, path):
    match = SERVED_NAME.match(path)
    if match is None:
        raise Http404("No such photo file.")
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
        handle = open(full_path, "rb")
    except (OSError, ValueError, SuspiciousFileOperation) as error:
        raise Http404("No such photo file.") from error
    response = FileResponse(handle, content_type=CONTENT_TYPES[match["extension"]])
    response["Cache-Control"] = f"max-age={A_YEAR}, public, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
