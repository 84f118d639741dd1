from django import template

from .. import about
from ..admin import is_reviewer
from ..models import Correction

register = template.Library()


@register.filter
def about_reference(thing) -> str:
    """The reference a suggestion link names: a row, or a reference as is."""
    try:
        return about.reference_for(thing)
    except (KeyError, AttributeError):
        return ""


@register.simple_tag
def waiting_corrections(user) -> int:
    """How many suggestions wait, for the admin index (0 for non-reviewers)."""
    if not is_reviewer(user):
        return 0
    return Correction.objects.waiting().count()
