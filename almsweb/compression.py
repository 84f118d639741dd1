"""Compressed copies of cached pages, made once when a page is stored.

A cached page is kept as its plain bytes plus a Brotli and a gzip copy;
each request gets the copy its Accept-Encoding prefers (Brotli first, as
browsers send `br` and it is the smaller), so a cache hit costs no
compression at all. Only text worth compressing gets copies; PDFs, PNGs and
XLSX files are compressed already.

Pages that carry a CSRF token, a nonce or a session are never cached, so
they are never compressed here either: compressing a secret next to text an
attacker chooses would leak it (BREACH).
"""

import gzip

import brotli

# The encodings a cached page is kept in besides its plain bytes, in the
# order they are preferred when a client accepts several equally.
ENCODINGS = ("br", "gzip")
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
)
# Below this, the headers cost more than compression saves.
MIN_BYTES = 256


def is_compressible(content_type: str, content: bytes) -> bool:
    return len(content) >= MIN_BYTES and content_type.startswith(COMPRESSIBLE_TYPES)


def compressed_copies(content: bytes) -> dict[str, bytes]:
    """The content in each of ENCODINGS.

    The first visitor after a change waits for these, so the levels are
    fast ones: on the 190 KB standings page Brotli 5 takes 7 ms for a copy
    17% larger than Brotli 11, which takes 600 ms.
    """
    return {
        "br": brotli.compress(content, mode=brotli.MODE_TEXT, quality=5),
        # mtime=0: the same bytes from every worker, so one ETag fits them all.
        "gzip": gzip.compress(content, compresslevel=6, mtime=0),
    }


def accepted_encodings(header: str) -> dict[str, float]:
    """'br;q=1.0, gzip;q=0.5, *;q=0' -> {'br': 1.0, 'gzip': 0.5, '*': 0.0}."""
    accepted = {}
    for item in header.split(","):
        name, _, parameters = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        parameter = parameters.strip()
        if parameter.startswith("q="):
            try:
                quality = float(parameter[2:])
            except ValueError:
                quality = 0.0
        accepted[name] = quality
    return accepted


def preferred_encoding(header: str, available: tuple[str, ...]) -> str | None:
    """The best of `available` that the Accept-Encoding header allows, or
    None for the plain bytes."""
    accepted = accepted_encodings(header)
    wildcard = accepted.get("*", 0.0)
    best, best_quality = None, 0.0
    for encoding in available:
        quality = accepted.get(encoding, wildcard)
        if quality > best_quality:
            best, best_quality = encoding, quality
    return best
