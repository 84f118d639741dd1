"""Editors' text made safe for each output, and refused when it cannot be.

Text can reach the database without passing a form (old rows, a raw
import), so every output that has rules of its own cleans what it writes:
XML (feeds) and spreadsheets (CSV, XLSX). HTML escaping is Django's; JSON
carries text unchanged. On the way in, `validate_plain_text` refuses the
control characters no page can show.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

# Characters XML 1.0 cannot hold: C0 controls other than tab, line feed and
# carriage return, lone surrogates, and U+FFFE/U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# A cell starting with one of these is read as a formula by spreadsheet
# programs (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Refused on input: every C0 control and DEL, and lone surrogates. Tab and
# line breaks are allowed only in multi-line text.
SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """The text without the characters an XML document cannot contain."""
    return NOT_XML.sub("", text)


def spreadsheet_cell(value):
    """A value for a CSV or XLSX cell: text as inert text, anything else as is.

    Control characters are dropped (XLSX cannot hold them), and text that a
    spreadsheet would run as a formula gets a leading apostrophe.
    """
    if not isinstance(value, str):
        return value
    text = NOT_XML.sub("", value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def control_character(text: str, *, multi_line: bool = False) -> str | None:
    """The code ('U+0007') of the first character the text may not hold, if any.

    Control characters are refused, and so are tab and line breaks in a
    one-line field.
    """
    forbidden = MULTI_LINE_FORBIDDEN if multi_line else SINGLE_LINE_FORBIDDEN
    found = forbidden.search(text or "")
    return f"U+{ord(found.group()):04X}" if found else None


def validate_plain_text(text: str, *, multi_line: bool = False) -> None:
    """Refuse text that holds a control character (see `control_character`)."""
    if code := control_character(text, multi_line=multi_line):
        raise ValidationError(
            "Remove the invisible control character (code %(code)s) from this "
            "text; it often comes from copying out of another program.",
            code="control_character",
            params={"code": code},
        )


class PlainTextModel:
    """Model mixin: `full_clean` refuses control characters in free-text fields.

    Slugs and fields with choices have stricter checks of their own. Every
    admin form runs this through `full_clean`; so should any importer.
    """

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if field.name in errors or field.name in (exclude or ()):
                continue
            if not is_free_text(field):
                continue
            try:
                validate_plain_text(
                    getattr(self, field.attname),
                    multi_line=isinstance(field, models.TextField),
                )
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


def is_free_text(field) -> bool:
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
    )
