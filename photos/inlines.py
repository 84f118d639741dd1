"""The photos inline of the race's admin page (races/admin.py shows it).

Kept apart from photos/admin.py, which imports races.admin: the race admin
can import this module without a circular import.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from .forms import PhotoForm
from .models import Photo

NEW_PHOTO_ROWS = 3


def preview(photo) -> str:
    if not photo.pk or not photo.renditions:
        return "–"
    small = min(photo.renditions_in("jpg"), key=lambda rendition: rendition["width"])
    return format_html(
        '<img src="{}" alt="" width="120" height="{}">',
        small["url"],
        round(120 * small["height"] / small["width"]),
    )


class LabelledPhotoFormSet(forms.BaseInlineFormSet):
    """Each input of the tabular inline named by its column's label, for
    screen readers (as races.admin.LabelledInlineFormSet does)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            for part in (field.widget, getattr(field.widget, "widget", None)):
                if part is not None:
                    part.attrs.setdefault("aria-label", str(field.label))


class PhotoInline(admin.TabularInline):
    """Several photos uploaded at once: each new row takes one image."""

    model = Photo
    form = PhotoForm
    formset = LabelledPhotoFormSet
    extra = NEW_PHOTO_ROWS
    fields = [
        "shown",
        "image",
        "alt_text",
        "caption",
        "credit",
        "licence",
        "gallery_order",
        "is_podium",
    ]
    readonly_fields = ["shown"]
    show_change_link = True
    verbose_name_plural = (
        "Photos (cars, drivers, story, source and date: open a saved photo)"
    )

    @admin.display(description="Photo")
    def shown(self, photo):
        return preview(photo)
