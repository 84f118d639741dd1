"""Photos in the admin: their own list, history and revert; uploading is also
done in the race's page (photos/inlines.py)."""

from django.contrib import admin

from races.admin import HistoryAdmin

from .forms import PhotoForm
from .inlines import preview
from .models import Photo


@admin.register(Photo)
class PhotoAdmin(HistoryAdmin):
    form = PhotoForm
    list_display = ["shown", "caption", "race", "credit", "licence", "is_podium"]
    list_display_links = ["caption"]
    list_filter = ["race__season", "race", "licence", "is_podium"]
    list_select_related = ["race__season"]
    search_fields = ["caption", "alt_text", "credit"]
    readonly_fields = ["shown", "size"]
    fieldsets = [
        (None, {"fields": ["race", "shown", "size", "image"]}),
        (
            "Words",
            {"fields": ["alt_text", "caption", "credit", "licence", "source_url"]},
        ),
        (
            "Where it shows",
            {
                "fields": [
                    "taken_on",
                    "gallery_order",
                    "is_podium",
                    "story_entry",
                    "entries",
                    "drivers",
                ]
            },
        ),
    ]

    @admin.display(description="Photo")
    def shown(self, photo):
        return preview(photo)

    @admin.display(description="Size in pixels")
    def size(self, photo):
        return f"{photo.width} × {photo.height}" if photo.pk else "–"
