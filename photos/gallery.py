"""The photos of one race as its page shows them, from one query."""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from PIL import Image

from .models import Photo, gallery_order, page_url


@dataclass
class RacePhotos:
    """A race's gallery, its podium photo and the photo of each car's story."""

    gallery: list[Photo] = field(default_factory=list)

    @classmethod
    def for_race(cls, race) -> "RacePhotos":
        photos = gallery_order(Photo.objects.for_race(race))
        for number, photo in enumerate(photos, start=1):
            photo.number = number
            photo.race = race  # the page's race: no query per photo for links
            photo.page_url = page_url(race, number)
        return cls(gallery=photos)

    def __bool__(self) -> bool:
        return bool(self.gallery)

    @property
    def podium(self) -> Photo | None:
        return next((photo for photo in self.gallery if photo.is_podium), None)

    def for_story(self, entry) -> Photo | None:
        return self.story_photos.get(entry.pk)

    @property
    def story_photos(self) -> dict:
        return {
            photo.story_entry_id: photo
            for photo in self.gallery
            if photo.story_entry_id is not None
        }


def race_photos(race) -> RacePhotos:
    """What the race page needs of its photos (one query, whatever their number)."""
    return RacePhotos.for_race(race)


def card_photo(race) -> Image.Image | None:
    """The race's podium photo for its share card (its 960 px JPEG), if any."""
    photo = Photo.objects.filter(race=race, is_podium=True).first()
    if photo is None:
        return None
    with default_storage.open(photo.fallback["name"]) as handle:
        image = Image.open(handle)
        image.load()
    return image
