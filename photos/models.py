"""Race photos: credited and licensed, shown on the race, car, driver and team
pages.

The image files are made in photos/images.py when an editor uploads one; the
row keeps the stored original's name and the list of its renditions, so a
page shows any number of photos from one query.
"""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from races.historical_records import HistoricalRecords
from races.models import CarModel, Driver, Entry, Race, Team
from races.text import PlainTextModel

from .images import MODERN_FORMAT


class Licence(models.TextChoices):
    BY_PERMISSION = "permission", "By permission"
    CC_BY = "cc-by", "CC BY"
    CC_BY_SA = "cc-by-sa", "CC BY-SA"
    PUBLIC_DOMAIN = "public-domain", "Public domain"


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
}


class PhotoQuerySet(models.QuerySet):
    def for_race(self, race):
        """The race's photos, in no order (one query, no joins): `gallery_order`
        puts them in gallery order."""
        return self.filter(race=race).order_by()

    def with_number(self):
        """Each photo's place in its race's gallery (1-based) and its race, for
        links to its page."""
        earlier = (
            Photo.objects.filter(race=OuterRef("race"))
            .filter(
                Q(gallery_order__lt=OuterRef("gallery_order"))
                | Q(gallery_order=OuterRef("gallery_order"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("race")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.select_related("race__season").annotate(
            number=Coalesce(Subquery(earlier), Value(0)) + 1
        )

    def showing(self, obj):
        """The photos a driver, team or car model appears in, newest race first."""
        if isinstance(obj, Driver):
            photos = self.filter(drivers=obj)
        elif isinstance(obj, Team):
            photos = self.filter(entries__team=obj)
        elif isinstance(obj, CarModel):
            photos = self.filter(entries__car_model=obj)
        else:
            return self.none()
        ids = photos.values("pk")
        return (
            self.filter(pk__in=ids)
            .with_number()
            .order_by("race__held_on", "race__round_number", "gallery_order", "pk")
        )


class Photo(PlainTextModel, models.Model):
    """A photo of a race, credited to its photographer, under a licence."""

    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="photos")
    original = models.CharField(
        max_length=200,
        editable=False,
        help_text="The stored original: upright, in sRGB, with no metadata.",
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    renditions = models.JSONField(
        default=list,
        editable=False,
        help_text="The stored renditions: width, height, format and file name.",
    )
    alt_text = models.CharField(
        max_length=250,
        help_text="What the photo shows, for people who cannot see it: the cars "
        "(number, colours), where on the track, what is happening. Not the "
        "caption again, and no 'photo of'.",
    )
    caption = models.CharField(
        max_length=300,
        help_text="One or two sentences in our own words, shown under the photo.",
    )
    credit = models.CharField(
        max_length=120, help_text="The photographer, as they want to be named."
    )
    licence = models.CharField(
        max_length=20,
        choices=Licence,
        help_text="By permission: the photographer allowed this site to show it "
        "(keep their message). CC BY / CC BY-SA: a Creative Commons licence, "
        "credit required (BY-SA: shared alike). Public domain: no rights remain.",
    )
    source_url = models.URLField(
        "source URL",
        blank=True,
        help_text="Where the photo was published, if anywhere.",
    )
    taken_on = models.DateField(
        null=True, blank=True, help_text="Leave empty if not known."
    )
    gallery_order = models.PositiveIntegerField(
        default=0, help_text="Lower numbers come first in the race's gallery."
    )
    entries = models.ManyToManyField(
        Entry,
        blank=True,
        related_name="photos",
        verbose_name="cars shown",
        help_text="The cars of this race the photo shows.",
    )
    drivers = models.ManyToManyField(
        Driver,
        blank=True,
        related_name="photos",
        verbose_name="drivers shown",
        help_text="The drivers the photo shows (on the podium, in the pits).",
    )
    is_podium = models.BooleanField(
        "podium photo",
        default=False,
        help_text="Shown beside the race's class podiums. One per race.",
    )
    story_entry = models.OneToOneField(
        Entry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_photo",
        verbose_name="photo for the story of",
        help_text="The car whose story this photo illustrates. One per car.",
    )

    history = HistoricalRecords(m2m_fields=[entries, drivers])
    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["race", "gallery_order", "pk"]
        constraints = [
            # is_podium among the fields too: races.history checks the
            # condition against the fields' values before restoring a row.
            models.UniqueConstraint(
                fields=["race", "is_podium"],
                condition=Q(is_podium=True),
                name="photo_one_podium_photo_per_race",
                violation_error_message="This race already has a podium photo.",
            ),
        ]

    def __str__(self):
        return f"{self.caption[:60]} ({self.race})"

    def get_absolute_url(self):
        number = (
            getattr(self, "number", None)
            or self.race.photos.filter(
                Q(gallery_order__lt=self.gallery_order)
                | Q(gallery_order=self.gallery_order, pk__lt=self.pk)
            ).count()
            + 1
        )
        return page_url(self.race, number)

    def clean(self):
        super().clean()
        if self.story_entry_id and self.story_entry.race_id != self.race_id:
            raise ValidationError(
                {"story_entry": "Choose a car of this photo's race."},
                code="other_race",
            )

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def original_url(self) -> str:
        return default_storage.url(self.original)

    def renditions_in(self, extension: str) -> list[dict]:
        return [
            {**rendition, "url": default_storage.url(rendition["name"])}
            for rendition in self.renditions
            if rendition["format"] == extension
        ]

    @property
    def modern_srcset(self) -> str:
        return srcset(self.renditions_in(MODERN_FORMAT))

    @property
    def modern_type(self) -> str:
        return f"image/{MODERN_FORMAT}"

    @property
    def jpeg_srcset(self) -> str:
        return srcset(self.renditions_in("jpg"))

    @property
    def largest_jpeg(self) -> dict:
        return max(self.renditions_in("jpg"), key=lambda rendition: rendition["width"])

    @property
    def fallback(self) -> dict:
        """The JPEG rendition for `src`: the one nearest 960 wide."""
        jpegs = self.renditions_in("jpg")
        return min(jpegs, key=lambda rendition: abs(rendition["width"] - 960))


def srcset(renditions: list[dict]) -> str:
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions)


def gallery_order(photos) -> list["Photo"]:
    """Photos in the order of their race's gallery.

    Sorted here rather than by an ORDER BY, which takes Django longer to
    compile than this sort takes.
    """
    return sorted(photos, key=lambda photo: (photo.gallery_order, photo.pk))


def page_url(race, number: int) -> str:
    return reverse(
        "photos:photo-detail",
        kwargs={"year": race.season.year, "slug": race.slug, "number": number},
    )
