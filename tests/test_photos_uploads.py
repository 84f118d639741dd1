"""Uploading photos safely: what is refused, what is kept, the renditions and
how the files are served. Every image is generated here, never a real photo."""

import io

import pytest
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms
from pytest_django.asserts import assertContains

from photos import images
from photos.models import Photo

from .factories import admin_form_data, make_photo, make_race, photo_bytes, photo_upload

pytestmark = pytest.mark.django_db

YELLOW = (240, 224, 96)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def add_url():
    return reverse("admin:photos_photo_add")


def photo_form(race, upload) -> dict:
    return {
        "race": race.pk,
        "image": upload,
        "alt_text": "A generated test pattern",
        "caption": "A generated test picture",
        "credit": "Test Photographer",
        "licence": "cc-by",
        "gallery_order": 0,
    }


def upload_through_admin(client, upload, race=None):
    return client.post(add_url(), photo_form(race or make_race(), upload))


def gif_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(output, format="GIF")
    return output.getvalue()


def exif_with_gps_and_orientation(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 41.0, 21.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (82.0, 38.0, 2.0)
    return exif


# Refusals: a clear message, and nothing stored.


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.gif", gif_bytes(), "not a JPEG, PNG or WebP image"),
        ("photo.jpg", gif_bytes(), "not a JPEG, PNG or WebP image"),
        ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a JPEG"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "not a JPEG"),
        ("photo.jpg", photo_bytes()[:400], "damaged or incomplete"),
    ],
)
def test_upload_of_other_content_is_refused_whatever_its_name(
    editor_client, media_root, name, content, message
):
    response = upload_through_admin(editor_client, photo_upload(name, content))

    assertContains(response, message)
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_upload_over_the_size_limit_is_refused(editor_client, media_root):
    too_big = photo_bytes() + b"\0" * images.MAX_UPLOAD_BYTES

    response = upload_through_admin(editor_client, photo_upload(content=too_big))

    assertContains(response, "photos may be at most 15 MB")
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_decompression_bomb_is_refused_before_it_is_decoded(editor_client, media_root):
    # 9000 x 9000 one-bit pixels: a file of a few kilobytes that would
    # decode to 81 million pixels.
    output = io.BytesIO()
    Image.new("1", (9000, 9000)).save(output, format="PNG")
    assert len(output.getvalue()) < 100_000

    response = upload_through_admin(
        editor_client, photo_upload("bomb.png", output.getvalue())
    )

    assertContains(response, "photos may have at most 40 million pixels")
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_upload_of_each_accepted_format_is_stored(editor_client, image_format):
    content = photo_bytes(640, 480, image_format)

    response = upload_through_admin(editor_client, photo_upload("x.bin", content))

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (640, 480)


# What is kept: upright, sRGB, no metadata.


def test_exif_gps_and_serial_are_stripped_from_every_served_file(client):
    exif = exif_with_gps_and_orientation()
    upload = photo_upload(width=2000, height=1200, exif=exif.tobytes())
    photo = make_photo(make_race(), upload=upload)
    names = [photo.original] + [rendition["name"] for rendition in photo.renditions]
    assert len(names) == 1 + 2 * 3

    for name in names:
        response = client.get(f"/media/{name}")
        content = b"".join(response.streaming_content)
        served = Image.open(io.BytesIO(content))
        assert dict(served.getexif()) == {}
        assert "exif" not in served.info
        assert "icc_profile" not in served.info
        for marker in (b"Exif", b"SERIAL-0042", b"TestCam", b"XMP"):
            assert marker not in content


def test_exif_orientation_is_applied(client):
    # Orientation 6: the camera was turned; show it rotated 90° clockwise.
    exif = exif_with_gps_and_orientation(orientation=6)
    upload = photo_upload(content=photo_bytes(1200, 800, exif=exif.tobytes()))

    photo = make_photo(make_race(), upload=upload)

    assert (photo.width, photo.height) == (800, 1200)
    with Image.open(images.default_storage.open(photo.original)) as stored:
        top_right = stored.convert("RGB").getpixel((stored.width - 20, 20))
        top_left = stored.convert("RGB").getpixel((20, 20))
    assert all(abs(a - b) < 30 for a, b in zip(top_right, YELLOW, strict=True))
    assert not all(abs(a - b) < 30 for a, b in zip(top_left, YELLOW, strict=True))


def test_colour_profile_is_converted_and_dropped():
    image = Image.new("RGB", (600, 400), "#3a6ea5")
    output = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(output, format="JPEG", icc_profile=profile)

    photo = make_photo(make_race(), upload=photo_upload(content=output.getvalue()))

    with Image.open(images.default_storage.open(photo.original)) as stored:
        assert "icc_profile" not in stored.info
        assert stored.mode == "RGB"


def test_transparent_png_is_kept_on_white():
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")

    photo = make_photo(make_race(), upload=photo_upload(content=output.getvalue()))

    with Image.open(images.default_storage.open(photo.original)) as stored:
        assert stored.getpixel((10, 10)) == (255, 255, 255)


def test_upload_as_received_is_not_kept(editor_client, media_root):
    content = photo_bytes(640, 480, exif=exif_with_gps_and_orientation().tobytes())

    upload_through_admin(editor_client, photo_upload("camera.jpg", content))

    assert Photo.objects.count() == 1
    for path in stored_files(media_root):
        assert path.read_bytes() != content
        assert "camera" not in path.name


# Renditions: a fixed set, made once, under content-hashed names.


@pytest.mark.parametrize(
    ("width", "expected"),
    [(2400, [480, 960, 1600]), (1000, [480, 960]), (600, [480]), (300, [300])],
)
def test_renditions_come_in_the_fixed_widths_up_to_the_photo_width(width, expected):
    photo = make_photo(make_race(), upload=photo_upload(width=width, height=400))

    for extension in (images.EXTENSIONS[images.MODERN_FORMAT], "jpg"):
        widths = [rendition["width"] for rendition in photo.renditions_in(extension)]
        assert widths == expected


def test_rendition_names_are_hashes_of_their_content():
    photo = make_photo(make_race())

    for rendition in photo.renditions:
        content = images.default_storage.open(rendition["name"]).read()
        digest = images.hashlib.sha256(content).hexdigest()[:32]
        assert rendition["name"].split("/")[-1].startswith(digest)


def test_renditions_are_made_once_not_on_edits_or_page_views(
    editor_client, client, media_root, monkeypatch
):
    race = make_race()
    photo = make_photo(race, is_podium=True)
    files_before = stored_files(media_root)
    made = []
    monkeypatch.setattr(
        "photos.forms.make_renditions", lambda clean: made.append(clean) or []
    )

    url = reverse("admin:photos_photo_change", args=[photo.pk])
    data = admin_form_data(editor_client.get(url))
    data["caption"] = "A new caption"
    assert editor_client.post(url, data).status_code == 302
    client.get(race.get_absolute_url())
    client.get(photo.get_absolute_url())

    photo.refresh_from_db()
    assert photo.caption == "A new caption"
    assert made == []
    assert photo.renditions
    assert stored_files(media_root) == files_before


def test_same_upload_twice_stores_its_files_once(media_root):
    race = make_race()
    make_photo(race, upload=photo_upload(content=photo_bytes(700, 500)))
    files = stored_files(media_root)

    make_photo(race, upload=photo_upload(content=photo_bytes(700, 500)))

    assert stored_files(media_root) == files


# Serving.


def test_rendition_is_served_with_a_year_immutable_cache_and_its_type(client):
    photo = make_photo(make_race())

    for rendition in photo.renditions:
        response = client.get(f"/media/{rendition['name']}")
        assert response.status_code == 200
        assert "max-age=31536000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == images.CONTENT_TYPES[rendition["format"]]
        assert "Set-Cookie" not in response


def test_original_is_served_as_jpeg(client):
    photo = make_photo(make_race())

    response = client.get(f"/media/{photo.original}")

    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "path",
    [
        "photos/renditions/evil.html",
        "photos/renditions/0123456789abcdef0123456789abcdef.svg",
        "photos/renditions/0123456789abcdef0123456789abcdef.html",
        "photos/originals/../../secret_key",
        "secret_key",
        "photos/renditions/0123456789abcdef0123456789abcdef-480.jpg",
    ],
)
def test_anything_but_a_stored_photo_file_is_not_served(client, media_root, path):
    # Even a file placed in media by other means is never served as HTML/SVG.
    target = media_root / "photos/renditions/0123456789abcdef0123456789abcdef.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

    assert client.get(f"/media/{path}").status_code == 404


def test_no_url_parameter_chooses_a_size(client, media_root):
    photo = make_photo(make_race())
    name = photo.renditions[0]["name"]
    files = stored_files(media_root)

    response = client.get(f"/media/{name}?w=5000&width=5000&size=5000")

    assert b"".join(response.streaming_content) == (
        images.default_storage.open(name).read()
    )
    assert stored_files(media_root) == files
