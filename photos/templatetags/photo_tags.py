from django import template

from ..models import Photo

register = template.Library()


@register.filter
def story_photo(race_photos, entry):
    """The photo of this car's story, from the race page's photos."""
    if not race_photos:
        return None
    return race_photos.for_story(entry)


@register.simple_tag
def photos_showing(obj):
    """The photos a driver, team or car model appears in (one query)."""
    return list(Photo.objects.showing(obj))
