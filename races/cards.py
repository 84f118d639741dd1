"""Share cards: a PNG per race for link previews (Open Graph images)."""

import io

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .classification import ClassifiedEntry

WIDTH, HEIGHT = 1200, 630
BACKGROUND = "#141517"
TEXT = "#ececec"
MUTED = "#b4b4b4"
PHOTO_WIDTH = 420


def font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled scalable font: no system fonts needed.
    return ImageFont.load_default(size=size)


def fitted(draw, text: str, size: int, max_width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which the text fits the width."""
    while size > 12 and draw.textlength(text, font=font(size)) > max_width:
        size -= 2
    return font(size)


def race_card_png(race, winners: list[ClassifiedEntry], photo=None) -> bytes:
    """A 1200x630 PNG: the race, its date and circuit, and each class winner;
    with the race's podium photo (a Pillow image) on the right when given."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    right = WIDTH
    if photo is not None:
        right = WIDTH - PHOTO_WIDTH
        image.paste(ImageOps.fit(photo, (PHOTO_WIDTH, HEIGHT)), (right, 0))
    draw = ImageDraw.Draw(image)
    draw.text((60, 50), f"{race.season} · Round {race.round_number}", TEXT, font(28))
    draw.text((60, 95), race.name, TEXT, fitted(draw, race.name, 56, right - 120))
    date = race.held_on.strftime("%B %-d, %Y") if race.held_on else "Date unknown"
    where = f"{date} · {race.circuit.name}"
    draw.text((60, 170), where, MUTED, fitted(draw, where, 30, right - 120))
    y = 250
    if not winners:
        draw.text((60, y), "Class winners not known", MUTED, font(34))
    for row in winners:
        car_class = row.entry.car_class
        draw.rectangle((60, y, 200, y + 56), fill=car_class.colour)
        draw.text((130, y + 28), car_class.code, "#ffffff", font(30), anchor="mm")
        crew = " / ".join(driver.full_name for driver in row.drivers)
        draw.text((225, y + 8), crew, TEXT, fitted(draw, crew, 34, right - 285))
        y += 80
    if not race.is_complete:
        draw.text((60, HEIGHT - 60), "Partial results", MUTED, font(26))
    draw.text((right - 60, HEIGHT - 60), "ALMS 2004", TEXT, font(30), anchor="ra")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
