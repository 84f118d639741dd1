"""Plain helpers that build season data with sensible defaults."""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.db.models import Max

from races.models import (
    CarClass,
    CarModel,
    Circuit,
    ClassRegulation,
    Crew,
    Driver,
    Entry,
    EntrySource,
    Manufacturer,
    PointsScale,
    Race,
    RaceSource,
    Season,
    Source,
    Story,
    Team,
)
from races.permissions import EDITORS_GROUP
from races.slugs import name_slug

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_numbers)}"


def make_season(year: int = 1999) -> Season:
    season, _ = Season.objects.get_or_create(year=year)
    return season


def make_points_scale(**overrides) -> PointsScale:
    season = overrides.pop("season", None) or make_season()
    fields = {
        "slug": unique("scale"),
        "name": "Standard race",
        "points": "20, 16, 13, 10, 8, 6, 4, 3, 2, 1",
    }
    fields.update(overrides)
    return PointsScale.objects.create(season=season, **fields)


def standard_scale(season: Season) -> PointsScale:
    """The season's 2004-style standard scale, created if missing."""
    scale, _ = PointsScale.objects.get_or_create(
        season=season,
        slug="standard",
        defaults={
            "name": "Standard race",
            "points": "20, 16, 13, 10, 8, 6, 4, 3, 2, 1",
        },
    )
    return scale


def make_circuit(**overrides) -> Circuit:
    slug = overrides.pop("slug", unique("circuit"))
    fields = {"name": slug.title(), "length_mi": "2.250", "turns": 13}
    fields.update(overrides)
    return Circuit.objects.create(slug=slug, **fields)


def car_class(code: str) -> CarClass:
    """The class with this code, created with defaults if missing."""
    order = {"LMP1": 1, "LMP2": 2, "GTS": 3, "GT": 4}[code]
    found, _ = CarClass.objects.get_or_create(
        code=code,
        defaults={"name": code, "display_order": order, "colour": "#333333"},
    )
    return found


def make_race(**overrides) -> Race:
    season = overrides.pop("season", None) or make_season()
    last_round = season.races.aggregate(last=Max("round_number"))["last"] or 0
    round_number = overrides.pop("round_number", last_round + 1)
    fields = {
        "slug": unique("race"),
        "name": "Test Grand Prix",
        "held_on": datetime.date(1999, 6, 1),
        "race_length": "2 hours 45 minutes",
        "status": Race.Status.PROVISIONAL,
        "completeness": Race.Completeness.COMPLETE,
    }
    fields.update(overrides)
    if "circuit" not in fields:
        fields["circuit"] = make_circuit()
    if "points_scale" not in fields:
        fields["points_scale"] = standard_scale(season)
    return Race.objects.create(season=season, round_number=round_number, **fields)


def make_driver(last_name: str = "", **overrides) -> Driver:
    fields = {"first_name": "Test", "last_name": last_name or unique("Driver")}
    fields.update(overrides)
    if not last_name and "slug" not in fields:
        # A new name, so its slug is free: no look-up needed to number it.
        fields["slug"] = name_slug(f"{fields['first_name']} {fields['last_name']}")
    return Driver.objects.create(**fields)


def make_team(name: str = "") -> Team:
    if not name:
        name = unique("Team")  # new, so there is none to look up
        return Team.objects.create(slug=name.lower(), name=name)
    team, _ = Team.objects.get_or_create(slug=name.lower(), defaults={"name": name})
    return team


def make_car_model(name: str = "R8", make: str = "Audi") -> CarModel:
    manufacturer, _ = Manufacturer.objects.get_or_create(
        slug=make.lower(), defaults={"name": make}
    )
    car, _ = CarModel.objects.get_or_create(
        slug=f"{make}-{name}".lower(),
        defaults={"manufacturer": manufacturer, "name": name},
    )
    return car


def next_car_number() -> str:
    """Four digits, as the database allows; tests that pick their own
    numbers use shorter ones, so the two never meet."""
    return str(next(_numbers) % 9000 + 1000)


def make_entry(race: Race, class_code: str = "LMP1", **overrides) -> Entry:
    drivers = overrides.pop("drivers", None) or [make_driver()]
    number = overrides.pop("car_number", next_car_number())
    fields = {
        "slug": number or unique("car"),
        "car_number": number,
        "status": Entry.Status.RUNNING,
        "laps": 100,
        **overrides,
    }
    if "car_class" not in fields:
        fields["car_class"] = car_class(class_code)
    if "team" not in fields:
        fields["team"] = make_team()
    if "car_model" not in fields:
        fields["car_model"] = make_car_model()
    entry = Entry.objects.create(race=race, **fields)
    for order, driver in enumerate(drivers, start=1):
        Crew.objects.create(entry=entry, driver=driver, order=order)
    return entry


def make_story(entry: Entry, **overrides) -> Story:
    fields = {"headline": unique("Headline"), "body": "What happened to the car."}
    fields.update(overrides)
    return Story.objects.create(entry=entry, **fields)


# One small race with cars in every class: a clear winner in each class, a car
# under 70% of its class winner's laps, a retirement and a non-starter. Car
# numbers sort differently as text (11 < 7) and as numbers (7 < 11).
# (slug, car number, class, position, laps, status, reason)
CLASSIFIED_CARS = [
    ("7", "7", "LMP1", 1, 100, Entry.Status.RUNNING, ""),
    ("8", "8", "LMP1", 2, 99, Entry.Status.RUNNING, ""),
    ("11", "11", "GTS", 3, 95, Entry.Status.RUNNING, ""),
    ("21", "21", "LMP2", 4, 94, Entry.Status.RUNNING, ""),
    ("12", "12", "GTS", 5, 93, Entry.Status.RUNNING, ""),
    ("31", "31", "GT", 6, 90, Entry.Status.RUNNING, ""),
    ("32", "32", "GT", 7, 89, Entry.Status.RUNNING, ""),
    ("slow-prototype", "", "LMP1", 8, 60, Entry.Status.RUNNING, ""),
    ("9", "9", "LMP1", 9, 0, Entry.Status.RETIRED, "oil pressure"),
    ("non-starter", "", "GT", None, None, Entry.Status.DID_NOT_START, ""),
]


def make_classified_race(crews: dict | None = None, **overrides) -> Race:
    """A complete race with the cars of CLASSIFIED_CARS and a story on the winner.

    `crews` gives some cars (by slug) their drivers; the others get new ones.
    """
    crews = crews or {}
    fields = {"short_name": "Testville", "summary": "A close race, in brief."}
    fields.update(overrides)
    race = make_race(**fields)
    classes = {code: car_class(code) for code in ("LMP1", "LMP2", "GTS", "GT")}
    car_model = make_car_model()
    for slug, number, code, position, laps, status, reason in CLASSIFIED_CARS:
        make_entry(
            race,
            car_class=classes[code],
            car_model=car_model,
            slug=slug,
            car_number=number,
            position=position,
            laps=laps,
            status=status,
            reason=reason,
            drivers=crews.get(slug) or [make_driver(), make_driver()],
        )
    make_story(race.entries.get(slug="7"), headline="The winner wins")
    return race


def make_regulation(code: str, **overrides) -> ClassRegulation:
    season = overrides.pop("season", None) or make_season()
    example_cars = overrides.pop("example_cars", [])
    regulation = ClassRegulation.objects.create(
        season=season, car_class=car_class(code), **overrides
    )
    regulation.example_cars.set(example_cars)
    return regulation


def make_editor(username: str = "editor"):
    """A staff user in the Editors group, as `create_editor` makes them."""
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as rendered, inlines included."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def inline_prefix(data: dict, slug: str) -> str:
    """'entries-3-' for the inline row of the car with this slug."""
    for name, value in data.items():
        if name.startswith("entries-") and name.endswith("-slug") and value == slug:
            return name.removesuffix("slug")
    raise KeyError(slug)


# Sources and the rows that cite them.


def make_source(code: str = "", **overrides) -> Source:
    """A source with a title, publisher, URL and what it gave unless overridden."""
    code = code or unique("src")
    fields = {
        "title": f"Report {code}",
        "publisher": "Test Press",
        "url": f"https://example.org/{code}",
        "gave": "Finishing order and laps.",
    }
    fields.update(overrides)
    return Source.objects.create(code=code, **fields)


def cite(item: Entry | Race, *sources: Source, note: str = "") -> None:
    """Link an entry's result, or a race's own facts, to the sources."""
    for source in sources:
        if isinstance(item, Entry):
            EntrySource.objects.create(entry=item, source=source, note=note)
        else:
            RaceSource.objects.create(race=item, source=source, note=note)


def photo_bytes(
    width: int = 600,
    height: int = 400,
    image_format: str = "JPEG",
    *,
    colour: str = "#3a6ea5",
    exif=None,
) -> bytes:
    """A generated image (never a real photograph): a plain field with a
    lighter block in the top-left corner, so orientation can be checked."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill="#f0e060")
    output = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(output, format=image_format, **options)
    return output.getvalue()


def photo_upload(name: str = "photo.jpg", content: bytes | None = None, **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = photo_bytes(**kwargs) if content is None else content
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def make_photo(race: Race, **overrides):
    """A photo of the race with its files stored, as an editor's upload makes it."""
    from photos.images import clean_image, make_renditions, store_original
    from photos.models import Licence, Photo

    upload = overrides.pop("upload", None) or photo_upload()
    clean = clean_image(upload)
    fields = {
        "alt_text": "A blue field with a yellow block in the top left corner",
        "caption": unique("Generated test picture"),
        "credit": "Test Photographer",
        "licence": Licence.CC_BY,
        **overrides,
    }
    return Photo.objects.create(
        race=race,
        original=store_original(clean),
        width=clean.width,
        height=clean.height,
        renditions=make_renditions(clean),
        **fields,
    )


def add_full_field(race: Race, cars: int, *, laps_of_winner: int = 199) -> None:
    """A field of `cars` cars of new teams, two new drivers each, finishing in
    order a lap apart, the four classes taking turns.

    Written in bulk, a hundred times faster than make_entry: no change
    history and no signals, so the data version does not move; build the
    field before the first request.
    """
    classes = [car_class(code) for code in ("LMP1", "LMP2", "GTS", "GT")]
    car_model = make_car_model()
    teams = Team.objects.bulk_create(
        Team(name=name, slug=name.lower())
        for name in (unique("Team") for _ in range(cars))
    )
    drivers = Driver.objects.bulk_create(
        Driver(first_name="Test", last_name=name, slug=f"test-{name.lower()}")
        for name in (unique("Driver") for _ in range(2 * cars))
    )
    entries = Entry.objects.bulk_create(
        Entry(
            race=race,
            slug=number,
            car_number=number,
            car_class=classes[position % 4],
            team=team,
            car_model=car_model,
            status=Entry.Status.RUNNING,
            position=position,
            laps=laps_of_winner + 1 - position,
        )
        for position, team, number in zip(
            range(1, cars + 1),
            teams,
            (next_car_number() for _ in range(cars)),
            strict=True,
        )
    )
    Crew.objects.bulk_create(
        Crew(entry=entry, driver=driver, order=order)
        for index, entry in enumerate(entries)
        for order, driver in enumerate(drivers[2 * index : 2 * index + 2], start=1)
    )
