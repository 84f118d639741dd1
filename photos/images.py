"""Uploaded photos made safe, and their renditions.

An upload is decoded with Pillow, whatever its name says: only JPEG, PNG and
WebP are read, within a file size and a pixel limit (a small file can decode
to gigabytes: a decompression bomb). What is kept is a new image drawn from
the decoded pixels, turned upright from its EXIF orientation and converted
to sRGB, so no metadata at all (GPS position, camera serial, profile) survives.

Renditions are made once, when a photo is saved with a new image, in a fixed
set of widths: a modern format (AVIF when this Pillow can write it, else
WebP) and JPEG for browsers without it. Every file is stored under a name
made from a hash of its bytes, so a name never changes content: served with
a year's cache and never overwritten, and a photo reverted to an older
version finds its files still there.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# 40 megapixels: more than any camera of 2004, far less than a bomb.
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
RENDITION_WIDTHS = (480, 960, 1600)
MODERN_FORMAT = "avif" if features.check("avif") else "webp"
ORIGINALS = "photos/originals"
RENDITIONS = "photos/renditions"
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
}
ENCODER_OPTIONS = {
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "webp": {"quality": 78, "method": 4},
    "avif": {"quality": 60, "speed": 8},
}
ORIGINAL_QUALITY = 92
SRGB = ImageCms.createProfile("sRGB")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def decode(upload) -> Image.Image:
    """The upload's pixels, or ValidationError saying why it is refused."""
    if upload.size > MAX_UPLOAD_BYTES:
        refuse(
            f"This file is {megabytes(upload.size)}; photos may be at most "
            f"{megabytes(MAX_UPLOAD_BYTES)}. Save it smaller and upload it again.",
            "too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=ACCEPTED_FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                refuse(
                    f"This image is {width} × {height} pixels; photos may have at "
                    f"most {MAX_PIXELS // 1_000_000} million pixels.",
                    "too_many_pixels",
                )
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError):
        refuse(
            "This file is not a JPEG, PNG or WebP image (checked by reading it, "
            "not by its name). Save the photo in one of these formats.",
            "not_an_image",
        )
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
        refuse(
            "This image could not be read: the file is damaged or incomplete.",
            "unreadable",
        )
    return image


def to_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB, from its embedded colour profile when it has one."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if image.mode == "RGBA":
                image = image.convert("RGB")
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: read the numbers as sRGB
    return image.convert("RGB")


@dataclass(frozen=True)
class CleanImage:
    """An upload's pixels, upright, in sRGB and with no metadata."""

    image: Image.Image

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def clean_image(upload) -> CleanImage:
    """Decode, check and normalise an upload; ValidationError if refused."""
    image = decode(upload)
    image = ImageOps.exif_transpose(image)
    image = to_srgb(image)
    # A new image from the bare pixels: nothing of the file's metadata (EXIF,
    # XMP, comments, profile) can come along.
    bare = Image.frombytes("RGB", image.size, image.tobytes())
    return CleanImage(bare)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format.upper(), **options)
    return output.getvalue()


def store(folder: str, content: bytes, suffix: str, extension: str) -> str:
    """Store the bytes under a name made from their hash; the stored name."""
    digest = hashlib.sha256(content).hexdigest()[:32]
    name = f"{folder}/{digest}{suffix}.{extension}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return name


def store_original(clean: CleanImage) -> str:
    content = encoded(
        clean.image, "jpeg", quality=ORIGINAL_QUALITY, optimize=True, progressive=True
    )
    return store(ORIGINALS, content, "", "jpg")


def rendition_widths(width: int) -> list[int]:
    """The fixed widths narrower than the photo; its own width if none is."""
    widths = [size for size in RENDITION_WIDTHS if size < width]
    return widths or [width]


def make_renditions(clean: CleanImage) -> list[dict]:
    """Each width in the modern format and in JPEG, stored; what was stored."""
    renditions = []
    for width in rendition_widths(clean.width):
        height = max(1, round(clean.height * width / clean.width))
        resized = clean.image.resize((width, height), Image.Resampling.LANCZOS)
        for image_format in (MODERN_FORMAT, "jpeg"):
            extension = EXTENSIONS[image_format]
            content = encoded(resized, image_format, **ENCODER_OPTIONS[image_format])
            name = store(RENDITIONS, content, f"-{width}", extension)
            renditions.append(
                {"width": width, "height": height, "format": extension, "name": name}
            )
    return renditions
