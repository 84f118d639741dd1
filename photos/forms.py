from django import forms
from django.db.models import Q

from .images import (
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    clean_image,
    make_renditions,
    megabytes,
    store_original,
)
from .models import Photo

IMAGE_HELP = (
    f"JPEG, PNG or WebP, at most {megabytes(MAX_UPLOAD_BYTES)} and "
    f"{MAX_PIXELS // 1_000_000} million pixels. It is turned upright, converted "
    "to sRGB and stripped of all metadata (GPS position, camera serial numbers); "
    "the file as uploaded is not kept."
)


class PhotoForm(forms.ModelForm):
    """A photo with its image: required when adding, optional when changing
    (a new image replaces the old one)."""

    image = forms.FileField(
        help_text=IMAGE_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )

    class Meta:
        model = Photo
        fields = [
            "race",
            "image",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "source_url",
            "taken_on",
            "gallery_order",
            "is_podium",
            "story_entry",
            "entries",
            "drivers",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_upload = None
        self.show_shown_in_as_reverted()
        if self.instance.pk and self.instance.original:
            self.fields["image"].required = False
        race_id = self.instance.race_id
        for name in ("entries", "story_entry"):
            if name in self.fields:
                field = self.fields[name]
                # Each car's label names its race and season.
                field.queryset = field.queryset.select_related("race__season")
                if race_id:
                    field.queryset = field.queryset.filter(race_id=race_id)
        if "drivers" in self.fields and race_id:
            # The race's drivers, and any the photo shows or showed in the
            # version being reverted to (one may have left the race since).
            field = self.fields["drivers"]
            field.queryset = field.queryset.filter(
                Q(entries__race_id=race_id) | Q(pk__in=self.drivers_shown())
            ).distinct()

    def drivers_shown(self) -> set[int]:
        shown = set()
        if self.instance.pk:
            shown.update(self.instance.drivers.values_list("pk", flat=True))
        record = getattr(self.instance, "_history", None)
        if record is not None:
            shown.update(row.driver_id for row in record.drivers.all())
        return shown

    def show_shown_in_as_reverted(self):
        """On the admin's revert form, the cars and drivers of the version
        reverted to, not today's: saving it brings them back too."""
        record = getattr(self.instance, "_history", None)
        if record is None or self.is_bound:
            return
        self.initial["entries"] = [row.entry_id for row in record.entries.all()]
        self.initial["drivers"] = [row.driver_id for row in record.drivers.all()]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            self.clean_upload = clean_image(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        entries = cleaned.get("entries") or []
        race_id = self.instance.race_id
        if race_id and any(entry.race_id != race_id for entry in entries):
            self.add_error("entries", "Choose cars of this photo's race only.")
        return cleaned

    def save(self, commit=True):
        if self.clean_upload is not None:
            # Stored only now, once the whole form is valid.
            photo = self.instance
            photo.original = store_original(self.clean_upload)
            photo.width = self.clean_upload.width
            photo.height = self.clean_upload.height
            photo.renditions = make_renditions(self.clean_upload)
        return super().save(commit=commit)
