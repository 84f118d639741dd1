"""The photos of a race in the JSON API (races/api.py adds them to a race)."""

import datetime

from ninja import Schema

from .gallery import race_photos
from .images import CONTENT_TYPES, EXTENSIONS, MODERN_FORMAT
from .models import Photo


class PhotoImage(Schema):
    url: str
    width: int
    height: int
    type: str


class PhotoOut(Schema):
    number: int
    url: str
    alt_text: str
    caption: str
    credit: str
    licence: str
    licence_name: str
    licence_url: str | None
    source_url: str | None
    taken_on: datetime.date | None
    is_podium_photo: bool
    story_car_number: str | None
    images: list[PhotoImage]


def photo_data(photo: Photo, story_cars: dict) -> dict:
    return {
        "number": photo.number,
        "url": photo.page_url,
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit,
        "licence": photo.licence,
        "licence_name": photo.get_licence_display(),
        "licence_url": photo.licence_url or None,
        "source_url": photo.source_url or None,
        "taken_on": photo.taken_on,
        "is_podium_photo": photo.is_podium,
        "story_car_number": story_cars.get(photo.story_entry_id),
        "images": [
            {
                "url": rendition["url"],
                "width": rendition["width"],
                "height": rendition["height"],
                "type": CONTENT_TYPES[rendition["format"]],
            }
            for rendition in photo.renditions_in(EXTENSIONS[MODERN_FORMAT])
            + photo.renditions_in("jpg")
        ],
    }


def photos_of_race(race, entries) -> list[dict]:
    """Each photo of the race, in gallery order (one query); `entries` are the
    race's cars, already loaded, for the story's car number."""
    story_cars = {entry.pk: entry.car_number or None for entry in entries}
    return [photo_data(photo, story_cars) for photo in race_photos(race).gallery]
