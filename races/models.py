"""The 2004 American Le Mans Series as a statistician would record it.

Every model of season data declares its natural key in NATURAL_KEY (slugs,
codes, year + round; see NaturalKeyModel) so that the fixtures in
`fixtures/` are readable, diffable and free of integer ids.
Models that editors change keep a history (`history = HistoricalRecords()`);
races/history.py says how to add it to a new model.

The module is long because it holds every model of the app, each QuerySet
just above its model, as the house style asks.
"""

import functools
import itertools
from collections import defaultdict
from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower, Now
from django.urls import reverse
from django.utils.text import slugify

from . import natural_keys
from .historical_records import HistoricalRecords
from .loading import QuickLoading
from .page_urls import slug_url
from .slugs import unique_slug
from .text import PlainTextModel

KM_PER_MILE = Decimal("1.609344")
LB_PER_KG = Decimal("2.20462")


class EditVersioned(models.Model):
    """A row that counts its saves.

    An edit form carries the version it was opened at, and a save from a
    form opened before someone else's save is refused (races/editing.py).
    """

    edit_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        serialize=False,  # bookkeeping, not season data: fixtures leave it out
        help_text="Goes up by one at every save.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.edit_version = self.stored_edit_version() + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "edit_version"}
        super().save(*args, **kwargs)

    def stored_edit_version(self) -> int:
        # A row put back from its history carries the version it had then.
        if self.pk is None:
            return self.edit_version
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values_list("edit_version", flat=True)
            .first()
        )
        return max(self.edit_version, stored or 0)


def slug_not_empty(model_name: str) -> models.CheckConstraint:
    """An empty slug would break every link to the row (NoReverseMatch)."""
    return models.CheckConstraint(
        condition=~Q(slug=""),
        name=f"{model_name}_slug_not_empty",
        violation_error_message="The slug cannot be empty.",
    )


def fill_slug(obj: models.Model, name: str, *, fallback: str) -> None:
    """Give a row without a slug one made from its name, unique in its table."""
    if obj.slug:
        return
    others = type(obj)._default_manager.exclude(pk=obj.pk)
    obj.slug = unique_slug(
        name,
        fallback=fallback,
        is_taken=lambda slug: others.filter(slug=slug).exists(),
    )


class NaturalKeyQuerySet(models.QuerySet):
    """Finds a row by its natural key: the values of its model's NATURAL_KEY.

    loaddata calls `get_by_natural_key`, the way contrib.auth finds a user
    by its USERNAME_FIELD.
    """

    def get_by_natural_key(self, *values):
        return natural_keys.find(self, values)


class NaturalKeyModel(QuickLoading):
    """A row that fixtures name by its natural key instead of its id.

    NATURAL_KEY holds the lookups that identify a row, such as
    ("season__year", "slug"); the model's NaturalKeyQuerySet finds the row
    from their values. A key that goes through foreign keys needs no
    `natural_key.dependencies`: serializers already put a model after the
    models its foreign keys point to.

    Every model of season data is one, and pages read them by the hundred,
    so they load quickly too (`QuickLoading`).
    """

    NATURAL_KEY: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple:
        return tuple(natural_keys.follow(self, lookup) for lookup in self.NATURAL_KEY)


class SeasonQuerySet(NaturalKeyQuerySet):
    pass


class Season(PlainTextModel, NaturalKeyModel, EditVersioned):
    NATURAL_KEY = ("year",)

    year = models.PositiveSmallIntegerField(unique=True)
    series_name = models.CharField(max_length=100, default="American Le Mans Series")
    source_note = models.TextField(
        blank=True,
        help_text="Where the season's facts come from, shown on printed sheets.",
    )
    minimum_distance_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of its class winner's laps a car must complete to score "
        "points: 0.70 means 70%. 0 lets every classified car score.",
    )
    is_team_best_car_only = models.BooleanField(
        "team scores with its best car only",
        default=True,
        help_text="Ticked: a team scores only the points of its best-placed car "
        "in each class in each race. Unticked: the points of all its cars add up.",
    )

    objects = SeasonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_distance_share__gte=0)
                & Q(minimum_distance_share__lte=1),
                name="season_minimum_distance_share_is_a_share",
                violation_error_message="The minimum share is between 0 and 1.",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.series_name}"

    def get_absolute_url(self):
        return reverse("races:season-detail", kwargs={"year": self.year})


POINTS_LIST_PATTERN = r"^[0-9]+(, ?[0-9]+)*$"


@functools.lru_cache(maxsize=64)
def points_list(text: str) -> tuple[int, ...]:
    """'20, 16, 13' as (20, 16, 13): read once per scale, not for every car
    a season's standings score."""
    return tuple(int(value) for value in text.split(",") if value.strip())


class PointsScaleQuerySet(NaturalKeyQuerySet):
    pass


class PointsScale(PlainTextModel, NaturalKeyModel, EditVersioned):
    """The points for each class position in the races that use this scale."""

    NATURAL_KEY = ("season__year", "slug")

    season = models.ForeignKey(
        Season, on_delete=models.CASCADE, related_name="points_scales"
    )
    slug = models.SlugField(help_text="Short name, e.g. 'standard' or 'endurance'.")
    name = models.CharField(
        max_length=100, help_text="What the scale is for, e.g. 'Standard race'."
    )
    points = models.CharField(
        max_length=200,
        validators=[
            RegexValidator(
                POINTS_LIST_PATTERN,
                "Whole numbers separated by commas, e.g. '20, 16, 13'.",
            )
        ],
        help_text="Points for 1st, 2nd, 3rd… in each class, separated by commas, "
        "e.g. '20, 16, 13, 10, 8, 6, 4, 3, 2, 1'. Places beyond the list score "
        "nothing. Every race page and the standings follow this list.",
    )

    objects = PointsScaleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["season", "name"]
        verbose_name = "points scale"
        constraints = [
            models.UniqueConstraint(
                fields=["season", "slug"], name="points_scale_slug_unique_in_season"
            ),
            slug_not_empty("pointsscale"),
            models.CheckConstraint(
                condition=Q(points__regex=POINTS_LIST_PATTERN),
                name="points_scale_is_a_list_of_numbers",
                violation_error_message="Whole numbers separated by commas, "
                "e.g. '20, 16, 13'.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.season.year})"

    def get_absolute_url(self):
        return reverse("races:standings", kwargs={"year": self.season.year})

    @property
    def values(self) -> list[int]:
        """Points for each class position, first place first."""
        return list(points_list(self.points))

    def points_for(self, class_position: int) -> int:
        """Points for a class position; 0 beyond the end of the scale."""
        values = points_list(self.points)
        return values[class_position - 1] if class_position <= len(values) else 0

    def clean(self):
        try:
            values = self.values
        except ValueError:
            return  # the field's validator reports the format
        if any(later > earlier for earlier, later in itertools.pairwise(values)):
            raise ValidationError(
                {"points": "A place never scores more than the place above it."}
            )


class SlugQuerySet(NaturalKeyQuerySet):
    """Rows whose natural key is their slug."""


class Circuit(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(
        max_length=100, blank=True, help_text="State or province."
    )
    country = models.CharField(max_length=100, blank=True)
    length_mi = models.DecimalField(
        "length (miles)",
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Lap length in miles as raced in 2004. Leave empty if unknown.",
    )
    turns = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Number of turns. Leave empty if unknown."
    )
    length_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Caveat about the length or turns, e.g. the year of the source.",
    )

    objects = SlugQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_mi__gt=0) | Q(length_mi__isnull=True),
                name="circuit_length_positive",
            ),
            slug_not_empty("circuit"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("races:circuit-detail", self.slug)

    @property
    def length_km(self) -> Decimal | None:
        if self.length_mi is None:
            return None
        return (self.length_mi * KM_PER_MILE).quantize(Decimal("0.001"))

    @property
    def location(self) -> str:
        return ", ".join(
            part for part in (self.city, self.region, self.country) if part
        )


class CarClassQuerySet(NaturalKeyQuerySet):
    pass


class CarClass(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("code",)

    class Code(models.TextChoices):
        LMP1 = "LMP1", "Le Mans Prototype 1"
        LMP2 = "LMP2", "Le Mans Prototype 2"
        GTS = "GTS", "Grand Touring Sport"
        GT = "GT", "Grand Touring"

    code = models.CharField(max_length=4, unique=True, choices=Code)
    name = models.CharField(max_length=50)
    display_order = models.PositiveSmallIntegerField(
        unique=True, help_text="Fastest class first: 1 for LMP1."
    )
    colour = models.CharField(
        max_length=7,
        help_text="Hex colour used beside the class label, e.g. #c8102e.",
    )

    objects = CarClassQuerySet.as_manager()

    class Meta:
        ordering = ["display_order"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="carclass_colour_is_hex",
            ),
        ]

    def __str__(self):
        return self.code


class Manufacturer(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [slug_not_empty("manufacturer")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_slug(self, self.name, fallback="make")
        super().save(*args, **kwargs)


class CarModelQuerySet(SlugQuerySet):
    def for_detail(self):
        """Cars with their manufacturer."""
        return self.select_related("manufacturer")

    def raced_by_class(self):
        """Car models that raced, once per season and class they raced in.

        Each carries `season_year` and `class_code`.
        """
        return (
            self.filter(entries__isnull=False)
            .select_related("manufacturer")
            .annotate(
                season_year=models.F("entries__race__season__year"),
                class_code=models.F("entries__car_class__code"),
            )
            .order_by("manufacturer__name", "name")
            .distinct()
        )


class CarModel(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, related_name="car_models"
    )
    name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Model name without the make, e.g. 'R8'. Empty if unknown.",
    )

    objects = CarModelQuerySet.as_manager()

    class Meta:
        ordering = ["manufacturer__name", "name"]
        verbose_name = "car model"
        constraints = [slug_not_empty("carmodel")]

    def __str__(self):
        return f"{self.manufacturer.name} {self.name}".strip()

    def save(self, *args, **kwargs):
        fill_slug(self, str(self), fallback="car")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("races:car-detail", self.slug)


class ClassRegulationQuerySet(NaturalKeyQuerySet):
    def for_regulations_page(self):
        """Regulations with their season, class and example cars."""
        return self.select_related("season", "car_class").prefetch_related(
            Prefetch(
                "example_cars",
                queryset=CarModel.objects.select_related("manufacturer"),
            )
        )


class ClassRegulation(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("season__year", "car_class__code")

    season = models.ForeignKey(
        Season, on_delete=models.CASCADE, related_name="regulations"
    )
    car_class = models.ForeignKey(
        CarClass, on_delete=models.PROTECT, related_name="regulations"
    )
    summary = models.TextField(blank=True, help_text="What the class is, in brief.")
    engine_rules = models.TextField(blank=True)
    power_min_hp = models.PositiveSmallIntegerField(null=True, blank=True)
    power_max_hp = models.PositiveSmallIntegerField(null=True, blank=True)
    min_weight_kg = models.PositiveSmallIntegerField(
        "minimum weight (kg)", null=True, blank=True
    )
    top_speed_min_mph = models.PositiveSmallIntegerField(null=True, blank=True)
    top_speed_max_mph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Leave empty when the source gives only a lower bound ('over').",
    )
    notable_rules = models.TextField(blank=True)
    background = models.TextField(
        blank=True,
        help_text="How the class came about and what changed for this season.",
    )
    constructors = models.CharField(
        max_length=200,
        blank=True,
        help_text="Makes named as typical of the class, comma separated.",
    )
    example_cars = models.ManyToManyField(
        CarModel, blank=True, related_name="example_in_regulations"
    )

    objects = ClassRegulationQuerySet.as_manager()

    class Meta:
        ordering = ["season", "car_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "car_class"], name="one_regulation_per_class"
            ),
            models.CheckConstraint(
                condition=Q(power_max_hp__gte=models.F("power_min_hp"))
                | Q(power_max_hp__isnull=True)
                | Q(power_min_hp__isnull=True),
                name="regulation_power_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.car_class.code} {self.season.year}"

    @property
    def min_weight_lb(self) -> int | None:
        if self.min_weight_kg is None:
            return None
        return round(self.min_weight_kg * LB_PER_KG)

    @property
    def top_speed_min_kmh(self) -> int | None:
        if self.top_speed_min_mph is None:
            return None
        return round(self.top_speed_min_mph * KM_PER_MILE)

    @property
    def top_speed_max_kmh(self) -> int | None:
        if self.top_speed_max_mph is None:
            return None
        return round(self.top_speed_max_mph * KM_PER_MILE)


class Team(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [slug_not_empty("team")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_slug(self, self.name, fallback="team")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("races:team-detail", self.slug)


class DriverQuerySet(SlugQuerySet):
    def with_start_counts(self):
        """Drivers by surname, with `entry_count` and `start_count`."""
        return self.annotate(
            entry_count=models.Count("crews", distinct=True),
            start_count=models.Count(
                "crews", filter=~Q(crews__entry__status="dns"), distinct=True
            ),
        ).order_by(Lower("last_name"), Lower("first_name"), "slug")


class Driver(PlainTextModel, NaturalKeyModel):
    NATURAL_KEY = ("slug",)

    slug = models.SlugField(unique=True)
    first_name = models.CharField(
        max_length=50, blank=True, help_text="Leave empty if the sources omit it."
    )
    last_name = models.CharField(max_length=50)
    nationality = models.CharField(
        max_length=50, blank=True, help_text="Leave empty unless a source states it."
    )

    objects = DriverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "slug"]
        constraints = [slug_not_empty("driver")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        fill_slug(self, self.full_name, fallback="driver")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("races:driver-detail", self.slug)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_first_name_known(self) -> bool:
        return bool(self.first_name)


@functools.lru_cache(maxsize=1024)
def source_anchor(code: str) -> str:
    """The id of a source's place in a page's list of sources: a race page
    links each source from many footnotes."""
    return "source-" + (slugify(code) or "unnamed")


class SourceQuerySet(NaturalKeyQuerySet):
    pass


class Source(PlainTextModel, NaturalKeyModel, EditVersioned):
    """Where facts come from: a page, a report, a timing sheet."""

    NATURAL_KEY = ("code",)

    code = models.CharField(
        max_length=60,
        unique=True,
        help_text="Short code the data files use in their src column, "
        "e.g. 'enwiki-season'.",
    )
    title = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=100, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    other_urls = models.TextField(
        "other URLs", blank=True, help_text="Mirrors and further pages, one per line."
    )
    gave = models.TextField(
        "what it gave", blank=True, help_text="The facts this source provides."
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(code=""),
                name="source_code_not_empty",
                violation_error_message="The code cannot be empty.",
            )
        ]

    def __str__(self):
        return self.title or self.code

    @property
    def anchor(self) -> str:
        return source_anchor(self.code)

    @property
    def citation(self) -> str:
        """The source as plain text for a printed list: 'Title, Publisher
        [code]. URL', leaving out what is not known."""
        text = self.title or self.code
        if self.publisher:
            text += f", {self.publisher}"
        if self.title:
            text += f" [{self.code}]"
        if self.url:
            text += f". {self.url}"
        return text


class RaceQuerySet(NaturalKeyQuerySet):
    def for_season(self, year):
        return self.filter(season__year=year)

    def for_detail(self):
        """Races with their season, circuit and points scale."""
        return self.select_related("season", "circuit", "points_scale")

    def for_calendar(self):
        """Races with their season, circuit and points scale, in calendar order."""
        return self.select_related("season", "circuit", "points_scale").order_by(
            "season__year", "round_number"
        )

    def for_standings(self):
        """Races with their points scale, in no order: all a season's
        standings read of them besides their season, which the caller has."""
        return self.select_related("points_scale").order_by()

    def with_fact_drivers(self):
        """Races with their pole and fastest-lap drivers; `with_race_facts`
        (races/results.py) adds their counts per class and fact sources."""
        return self.select_related("pole_driver", "fastest_lap_driver")


class Race(PlainTextModel, NaturalKeyModel, EditVersioned):
    NATURAL_KEY = ("season__year", "round_number")
    # Set by results.with_race_facts, read by ordered_class_counts and
    # ordered_source_links.
    class_counts_in_order: list["ClassCount"]
    source_links_in_order: list["RaceSource"]

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        PROVISIONAL = "provisional", "Provisional"
        OFFICIAL = "official", "Official"

    class Completeness(models.TextChoices):
        COMPLETE = "complete", "Complete classification"
        PARTIAL = "partial", "Partial classification"

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="races")
    round_number = models.PositiveSmallIntegerField("round")
    slug = models.SlugField(help_text="Short name used in the URL, e.g. 'mid-ohio'.")
    name = models.CharField("official name", max_length=150)
    short_name = models.CharField(
        max_length=40, help_text="What fans call it, e.g. 'Mid-Ohio'."
    )
    alternative_names = models.CharField(
        max_length=200, blank=True, help_text="Other names the event was known by."
    )
    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="races")
    held_on = models.DateField("date", null=True, blank=True)
    race_length = models.CharField(
        max_length=100,
        blank=True,
        help_text="As announced, e.g. '2 hours 45 minutes' or '10 hours or 1,000 "
        "miles (whichever first)'. Leave empty if unknown.",
    )
    duration = models.DurationField(
        null=True, blank=True, help_text="Scheduled duration, if the race is timed."
    )
    distance_mi = models.PositiveIntegerField(
        "distance (miles)",
        null=True,
        blank=True,
        help_text="Scheduled distance, if the race has one.",
    )
    summary = models.TextField(
        blank=True, help_text="Race report in Markdown, written in our own words."
    )
    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.SCHEDULED,
        help_text="Provisional until the results are confirmed, then official.",
    )
    completeness = models.CharField(
        max_length=8,
        choices=Completeness,
        default=Completeness.PARTIAL,
        help_text="Complete only when every car that took part is entered.",
    )
    reported_starters = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Number of starters reported by a source, for partial "
        "classifications. Leave empty if unknown.",
    )
    source_note = models.TextField(
        blank=True, help_text="Where this round's facts come from and what is missing."
    )
    reported_entries = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Cars entered, as a source reports it. Leave empty if unknown.",
    )
    reported_finishers = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Cars classified at the finish, as a source reports it.",
    )
    pole_car_number = models.CharField(
        max_length=4, blank=True, help_text="Car number of the pole-sitter."
    )
    pole_driver = models.ForeignKey(
        "Driver",
        on_delete=models.PROTECT,
        related_name="poles",
        null=True,
        blank=True,
        help_text="The driver who set the pole time, where a source names them.",
    )
    pole_time = models.DurationField(
        null=True, blank=True, help_text="Pole lap time, e.g. 0:01:48.710."
    )
    fastest_lap_car_number = models.CharField(max_length=4, blank=True)
    fastest_lap_driver = models.ForeignKey(
        "Driver",
        on_delete=models.PROTECT,
        related_name="fastest_laps",
        null=True,
        blank=True,
    )
    fastest_lap_time = models.DurationField(null=True, blank=True)
    editor_note = models.TextField(
        blank=True,
        help_text="For editors only, never shown on the site: how the sources "
        "disagree and what was derived.",
    )
    fact_sources = models.ManyToManyField(
        Source,
        through="RaceSource",
        related_name="races",
        blank=True,
        help_text="Sources of the pole, fastest lap and the reported entries "
        "and finishers.",
    )
    points_scale = models.ForeignKey(
        PointsScale,
        on_delete=models.PROTECT,
        related_name="races",
        null=True,
        blank=True,
        help_text="Points for the class positions in this race, from the "
        "season's scales. Leave empty if the race does not count for the "
        "championship.",
    )

    objects = RaceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["season", "round_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "round_number"], name="one_race_per_round"
            ),
            models.UniqueConstraint(
                fields=["season", "slug"], name="race_slug_unique_in_season"
            ),
            slug_not_empty("race"),
        ]

    def __str__(self):
        return f"{self.season.year} R{self.round_number} {self.name}"

    def get_absolute_url(self):
        return slug_url("races:race-detail", self.slug, year=self.season.year)

    @property
    def ordered_class_counts(self) -> list["ClassCount"]:
        """The race's reported counts per class, in class order; uses those
        read with the race when present (`results.with_race_facts`)."""
        counts = getattr(self, "class_counts_in_order", None)
        if counts is None:
            return list(self.class_counts.select_related("car_class"))
        return counts

    @property
    def ordered_source_links(self) -> list["RaceSource"]:
        """The race's links to the sources of its own facts, by source code;
        uses those read with the race when present
        (`results.with_race_facts`)."""
        links = getattr(self, "source_links_in_order", None)
        if links is None:
            return list(self.source_links.select_related("source"))
        return links

    @property
    def is_complete(self) -> bool:
        return self.completeness == self.Completeness.COMPLETE

    def clean(self):
        if (
            self.points_scale_id
            and self.season_id
            and self.points_scale.season_id != self.season_id
        ):
            raise ValidationError(
                {"points_scale": "Pick one of this race's season's points scales."}
            )


class EntryQuerySet(NaturalKeyQuerySet):
    # The crews of the entries these read come from `results.with_crews`.
    def for_results_table(self):
        """Entries with race (season, circuit, points scale), class, team, car
        and story."""
        return self.select_related(
            "race__season", "race__circuit", "race__points_scale"
        ).for_race_table()

    def for_race_table(self):
        """Entries with class, team, car and story, for one race's table:
        read through `race.entries`, every entry holds that race object
        rather than a copy joined in for each."""
        return self.select_related(
            "car_class", "team", "car_model__manufacturer", "story"
        )

    def for_season_tables(self):
        """Entries with class and team: what the standings, calendars and
        coverage read. Their races are not joined; see
        `results.season_entries`."""
        return self.select_related("car_class", "team")

    def for_standings(self):
        """Entries with class and team, and of their own fields only those the
        standings read: the place, laps and status each car scored with (a
        third of the fields, and the rows read in three quarters of the
        time). Any other field costs a query when read."""
        return self.select_related("car_class", "team").only(
            "race",
            "slug",
            "car_class",
            "team",
            "position",
            "reported_class_position",
            "laps",
            "status",
        )

    def with_sources(self):
        """Entries with their source links and sources, as the list
        `entry.ordered_source_links` reads."""
        return self.prefetch_related(source_links_in_order())


def source_links_in_order() -> Prefetch:
    """Each entry's source links with their sources, by source code, as the
    list `entry.ordered_source_links` reads."""
    # Ordered within each entry only: EntrySource's ordering goes through
    # the entry to its race and season.
    links = EntrySource.objects.select_related("source").order_by("source__code")
    # A list rather than the manager's cache: that builds a queryset per
    # entry, and every `.all()` of it copies one.
    return Prefetch("source_links", queryset=links, to_attr="source_links_in_order")


class Entry(PlainTextModel, NaturalKeyModel, EditVersioned):
    """One car in one race, with its result."""

    NATURAL_KEY = ("race__season__year", "race__round_number", "slug")
    # Set on entries read for a table (results.with_crews), read by crew_drivers.
    drivers_in_order: list["Driver"]
    # Set by with_sources() or results.with_source_links, read by
    # ordered_source_links.
    source_links_in_order: list["EntrySource"]

    class Status(models.TextChoices):
        RUNNING = "running", "Running at the finish"
        CLASSIFIED = "classified", "Classified"
        RETIRED = "retired", "Retired (DNF)"
        NOT_CLASSIFIED = "nc", "Not classified"
        DISQUALIFIED = "dsq", "Disqualified"
        DID_NOT_START = "dns", "Did not start"
        UNKNOWN = "unknown", "Unknown"

    class Tyre(models.TextChoices):
        UNKNOWN = "", "Unknown"
        BRIDGESTONE = "B", "Bridgestone"
        DUNLOP = "D", "Dunlop"
        GOODYEAR = "G", "Goodyear"
        MICHELIN = "M", "Michelin"
        PIRELLI = "P", "Pirelli"
        YOKOHAMA = "Y", "Yokohama"

    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="entries")
    slug = models.SlugField(
        help_text="Identifies the car within the race: its number when known "
        "(e.g. '38'), otherwise the crew's surnames. Used in links (#car-38)."
    )
    car_number = models.CharField(
        max_length=4,
        blank=True,
        help_text="As painted on the car, e.g. '007'. Leave empty if unknown.",
    )
    car_class = models.ForeignKey(
        CarClass, on_delete=models.PROTECT, related_name="entries", verbose_name="class"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
        help_text="Leave empty if no source names the team for this race.",
    )
    car_model = models.ForeignKey(
        CarModel,
        on_delete=models.PROTECT,
        related_name="entries",
        null=True,
        blank=True,
        verbose_name="car",
    )
    engine = models.CharField(max_length=100, blank=True)
    tyre = models.CharField(max_length=1, blank=True, choices=Tyre, default="")
    drivers = models.ManyToManyField(Driver, through="Crew", related_name="entries")

    position = models.PositiveSmallIntegerField(
        "overall position",
        null=True,
        blank=True,
        help_text="Place in the overall classification. Leave empty if unknown.",
    )
    reported_class_position = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Only for partial classifications, where the overall order "
        "cannot tell the class position: the class position a source states.",
    )
    laps = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Laps completed. Leave empty if unknown."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.UNKNOWN)
    reason = models.CharField(
        max_length=100,
        blank=True,
        help_text="Why the car retired or did not start, e.g. 'oil pressure'.",
    )
    grid = models.PositiveSmallIntegerField(
        "grid position",
        null=True,
        blank=True,
        help_text="Overall starting position, where a source states it.",
    )
    note = models.TextField(
        blank=True, help_text="Caveats about this row's data, shown to readers."
    )
    race_time = models.DurationField(
        null=True,
        blank=True,
        help_text="The car's total race time, where a source gives it "
        "(usually the winner's).",
    )
    gap_laps = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Laps behind, as a source states it."
    )
    gap_time = models.DurationField(
        null=True, blank=True, help_text="Time behind, as a source states it."
    )
    is_gap_to_class_winner = models.BooleanField(
        "gap to class winner",
        default=False,
        help_text="Ticked: the stated gap is to the class winner; "
        "otherwise to the overall winner.",
    )
    editor_note = models.TextField(
        blank=True,
        help_text="For editors only, never shown on the site: how the row was "
        "matched and where the sources disagree.",
    )
    sources = models.ManyToManyField(
        Source, through="EntrySource", related_name="entries", blank=True
    )

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["race", models.F("position").asc(nulls_last=True), "slug"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["race", "slug"], name="entry_slug_unique_in_race"
            ),
            slug_not_empty("entry"),
            models.UniqueConstraint(
                fields=["race", "car_number"],
                condition=~Q(car_number=""),
                name="one_car_number_per_race",
                violation_error_message="Another car in this race has this number.",
            ),
            models.UniqueConstraint(
                fields=["race", "position"],
                name="one_position_per_race",
                violation_error_message="Another car in this race has this position.",
            ),
            models.UniqueConstraint(
                fields=["race", "grid"],
                name="one_grid_slot_per_race",
                violation_error_message="Another car in this race starts from "
                "this grid position.",
            ),
            models.CheckConstraint(
                condition=Q(laps__gte=0) | Q(laps__isnull=True),
                name="laps_not_negative",
                violation_error_message="Laps cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(status="dns") | Q(laps__isnull=True) | Q(laps=0),
                name="dns_has_no_laps",
                violation_error_message="A car that did not start has no laps.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) | Q(position__isnull=True),
                name="position_starts_at_one",
                violation_error_message="Positions start at 1.",
            ),
            models.CheckConstraint(
                condition=Q(gap_laps__isnull=True) | Q(gap_time__isnull=True),
                name="one_kind_of_gap",
                violation_error_message="A gap is in laps or in time, not both.",
            ),
        ]

    def __str__(self):
        number = f"#{self.car_number}" if self.car_number else self.slug
        return f"{number} ({self.race})"

    def get_absolute_url(self):
        return f"{self.race.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"car-{self.slug}"

    @property
    def story_anchor(self) -> str:
        return f"story-{self.slug}"

    @property
    def has_started(self) -> bool:
        return self.status != self.Status.DID_NOT_START

    @property
    def is_running_at_finish(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_in_finishing_order(self) -> bool:
        """Placed in the order of finishers (running, classified or retired)."""
        return self.status in {
            self.Status.RUNNING,
            self.Status.CLASSIFIED,
            self.Status.RETIRED,
            self.Status.UNKNOWN,
        }

    @property
    def status_label(self) -> str:
        # As get_status_display(), which builds the choices anew at each
        # call: a results table asks for every row.
        label = STATUS_LABELS.get(self.status, self.status)
        return f"{label}: {self.reason}" if self.reason else label

    @property
    def ordered_source_links(self) -> list["EntrySource"]:
        """The entry's links to its sources, by source code; uses those read
        with the entry when present (`EntryQuerySet.with_sources`)."""
        links = getattr(self, "source_links_in_order", None)
        if links is None:
            return list(self.source_links.all())
        return links

    @property
    def crew_drivers(self) -> list[Driver]:
        """Drivers in driving order; uses the drivers read with the entry
        when present (`results.with_crews`)."""
        drivers = getattr(self, "drivers_in_order", None)
        if drivers is None:
            return [member.driver for member in self.crew.all()]
        return list(drivers)

    def clean(self):
        errors = {}
        if self.status == self.Status.DID_NOT_START and self.laps:
            errors["laps"] = "A car that did not start has no laps."
        if self.reported_class_position and self.race_id and self.race.is_complete:
            errors["reported_class_position"] = (
                "The class position of a complete classification comes from "
                "the overall order; leave this empty."
            )
        if errors:
            raise ValidationError(errors)


# Each finishing status's label, by value.
STATUS_LABELS: dict[str, str] = dict(Entry.Status.choices)


class SourceLink(NaturalKeyModel):
    """A source cited for a row, with what the source says about it."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="A remark on this citation, e.g. 'row truncated'.",
    )

    class Meta:
        abstract = True


class EntrySourceQuerySet(NaturalKeyQuerySet):
    pass


class EntrySource(SourceLink):
    """A source of one entry's result."""

    NATURAL_KEY = (
        "entry__race__season__year",
        "entry__race__round_number",
        "entry__slug",
        "source__code",
    )

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="source_links"
    )

    objects = EntrySourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "source__code"]
        verbose_name = "source of the result"
        verbose_name_plural = "sources of the result"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "source"],
                name="source_once_per_entry",
                violation_error_message="This source is already cited.",
            )
        ]

    def __str__(self):
        return f"{self.source.code} for {self.entry}"


class RaceSourceQuerySet(NaturalKeyQuerySet):
    pass


class RaceSource(SourceLink):
    """A source of a race's own facts: pole, fastest lap, entries, finishers."""

    NATURAL_KEY = ("race__season__year", "race__round_number", "source__code")

    race = models.ForeignKey(
        Race, on_delete=models.CASCADE, related_name="source_links"
    )

    objects = RaceSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["race", "source__code"]
        verbose_name = "source of the race facts"
        verbose_name_plural = "sources of the race facts"
        constraints = [
            models.UniqueConstraint(
                fields=["race", "source"],
                name="source_once_per_race",
                violation_error_message="This source is already cited.",
            )
        ]

    def __str__(self):
        return f"{self.source.code} for {self.race}"


class ClassCountQuerySet(NaturalKeyQuerySet):
    pass


class ClassCount(NaturalKeyModel):
    """Cars entered and classified in one class of a race, as reported."""

    NATURAL_KEY = ("race__season__year", "race__round_number", "car_class__code")

    race = models.ForeignKey(
        Race, on_delete=models.CASCADE, related_name="class_counts"
    )
    car_class = models.ForeignKey(
        CarClass, on_delete=models.PROTECT, related_name="+", verbose_name="class"
    )
    entries = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Cars entered. Leave empty if unknown."
    )
    finishers = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Cars classified. Leave empty if unknown."
    )

    objects = ClassCountQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["race", "car_class__display_order"]
        verbose_name = "reported count per class"
        verbose_name_plural = "reported counts per class"
        constraints = [
            models.UniqueConstraint(
                fields=["race", "car_class"], name="one_count_per_class_and_race"
            )
        ]

    def __str__(self):
        return f"{self.car_class.code} in {self.race}"


class CrewQuerySet(NaturalKeyQuerySet):
    def drivers_by_entry(self) -> dict[int, list[Driver]]:
        """Each entry's drivers in driving order, keyed by entry id, from one
        query.

        Each driver is one object, shared by all their entries: a season's
        crews name most drivers several times, and a Crew and a Driver
        object per name were a good part of the time its pages took to load.
        """
        fields = [field.attname for field in Driver._meta.concrete_fields]
        rows = self.order_by().values_list(
            "order", "entry_id", *(f"driver__{name}" for name in fields)
        )
        # Put in driving order here: Crew's own ordering goes through the
        # entry to its race and season, three joins this has no use for, and
        # Django takes longer to compile any ORDER BY than this sort takes.
        drivers: dict[int, Driver] = {}
        by_entry: dict[int, list[Driver]] = defaultdict(list)
        for _, entry_id, *values in sorted(rows, key=itemgetter(0)):
            driver = drivers.get(values[0])
            if driver is None:
                driver = drivers[values[0]] = Driver.from_db(self.db, fields, values)
            by_entry[entry_id].append(driver)
        return by_entry


class Crew(NaturalKeyModel):
    """A driver of an entry, in driving order."""

    NATURAL_KEY = (
        "entry__race__season__year",
        "entry__race__round_number",
        "entry__slug",
        "driver__slug",
    )

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="crew")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="crews")
    order = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first driver listed."
    )

    objects = CrewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "order"]
        verbose_name = "crew member"
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "driver"],
                name="driver_once_per_entry",
                violation_error_message="This driver is already in the crew.",
            ),
            models.UniqueConstraint(
                fields=["entry", "order"], name="one_driver_per_crew_slot"
            ),
        ]

    def __str__(self):
        return f"{self.driver} in {self.entry}"


class StoryQuerySet(NaturalKeyQuerySet):
    pass


class Story(PlainTextModel, NaturalKeyModel, EditVersioned):
    """What happened to one car in one race, in our own words."""

    NATURAL_KEY = (
        "entry__race__season__year",
        "entry__race__round_number",
        "entry__slug",
    )

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="story")
    headline = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown. Written in our own words.")

    objects = StoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry__race", "entry__position"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return f"{self.race.get_absolute_url()}#{self.entry.story_anchor}"

    @property
    def race(self) -> Race:
        return self.entry.race


class DatabaseMarkerQuerySet(models.QuerySet):
    def has_held_a_season(self) -> bool:
        """Whether a season was ever stored in this database, even if deleted since."""
        return self.filter(name=DatabaseMarker.Name.HELD_A_SEASON).exists()


class DatabaseMarker(models.Model):
    """A fact about this database's past that no count of its rows can tell.

    `held-a-season` is written by a database trigger (migration 0010) when
    the first season is stored, however it is stored: fixtures, an import,
    the admin. Deleting season data leaves it in place, so `load_fixtures`
    never loads fixtures/ over a database that editors have emptied. It is
    not season data: fixtures/ leave it out.
    """

    class Name(models.TextChoices):
        HELD_A_SEASON = "held-a-season", "This database has held a season"

    name = models.CharField(max_length=50, choices=Name.choices, unique=True)
    created_at = models.DateTimeField(db_default=Now())

    objects = DatabaseMarkerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_name_display()} (since {self.created_at:%Y-%m-%d})"
