"""The fan's suggestion form, with its size limits and spam defences."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch

from races.models import Crew, Entry, Race

from . import about, fields, spam
from .models import Correction

SOMETHING_ELSE = ""
# A source that starts like a link must be a web link; anything else is a
# citation ("Race programme, page 12").
LINK_LIKE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]{0,20}://|www\.|(?:javascript|data|vbscript|file|mailto):)",
    re.IGNORECASE,
)
validate_web_link = URLValidator(schemes=["http", "https"])


def looks_like_link(text: str) -> bool:
    return bool(LINK_LIKE.match(text))


def is_web_link(text: str) -> bool:
    """Whether the source is a well-formed http(s) link (it is never fetched)."""
    if not looks_like_link(text):
        return False
    try:
        validate_web_link(text)
    except ValidationError:
        return False
    return True


def entry_label(entry: Entry) -> str:
    number = f"#{entry.car_number}" if entry.car_number else "Number not known"
    crew = " / ".join(driver.last_name for driver in entry.crew_drivers)
    parts = [number, entry.car_class.code, str(entry.team or ""), crew]
    return " · ".join(part for part in parts if part)


def race_entries(race: Race):
    return (
        race.entries.select_related("car_class", "team", "race__season")
        .prefetch_related(
            Prefetch("crew", queryset=Crew.objects.select_related("driver"))
        )
        .order_by("car_number", "slug")
    )


class CorrectionForm(forms.ModelForm):
    target = forms.ChoiceField(
        label="The page's subject or one of its cars",
        help_text="Cars are listed by number, class, team and drivers.",
    )
    field_choice = forms.ChoiceField(
        label="Which fact?",
        required=False,
        help_text="Pick the fact if it is listed; otherwise describe it below.",
    )
    # Hidden from people (CSS and aria-hidden); scripts fill in every field.
    website = forms.CharField(
        label="Leave this field empty", required=False, max_length=200
    )
    shown_at = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)

    class Meta:
        model = Correction
        fields = [
            "problem",
            "proposed_value",
            "source",
            "credit_name",
            "email",
            "is_credit_consented",
        ]
        labels = {
            "problem": "What is wrong or missing?",
            "proposed_value": "The right value",
            "source": "Source",
            "credit_name": "Name to credit you under (optional)",
            "email": "Email for questions about it (optional)",
            "is_credit_consented": "Credit me by this name in the public changelog",
        }
        help_texts = {
            "problem": "In a sentence or two. Optional when you picked a fact above.",
            "proposed_value": "For example 16 for a car number. Write “not known” "
            "only if the page states something false.",
            "source": "Required: a web link, or a citation such as “Official "
            "programme, page 12” or “IMSA timing sheet, race classification”.",
            "credit_name": "Shown only if you tick the box below.",
            "email": "Never shown or shared. Only the editors see it, and it is "
            "deleted 90 days after they decide.",
            "is_credit_consented": "",
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "source": forms.TextInput(),
        }

    def __init__(self, thing, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.thing = thing
        self.targets = self.target_rows(thing)
        self.fields["target"].choices = [
            (reference, label) for reference, (label, _) in self.targets.items()
        ]
        if len(self.targets) == 1:
            self.fields["target"].widget = forms.HiddenInput()
        self.fields["field_choice"].choices = self.field_choice_groups()
        self.initial.setdefault("target", about.reference_for(thing))
        self.initial.setdefault("shown_at", spam.shown_at_token())
        self.fields["source"].required = True
        self.fields["proposed_value"].widget.attrs["autocomplete"] = "off"
        self.fields["credit_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        honeypot = self.fields["website"].widget.attrs
        honeypot.update(tabindex="-1", autocomplete="off")
        for field in self.fields.values():
            if getattr(field, "max_length", None) and not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", field.max_length)

    @staticmethod
    def target_rows(thing) -> dict:
        """reference -> (label, row) of what the fan may pick."""
        rows = {about.reference_for(thing): (about.describe(thing), thing)}
        if isinstance(thing, Race):
            for entry in race_entries(thing):
                rows[about.reference_for(entry)] = (entry_label(entry), entry)
        return rows

    def field_choice_groups(self) -> list:
        groups = [(SOMETHING_ELSE, "Something else (describe it below)")]
        models = []
        for _, row in self.targets.values():
            if type(row) not in models:
                models.append(type(row))
        for model in models:
            choices = [
                (f"{about.KIND_OF_MODEL[model].name}.{name}", label)
                for name, label in fields.field_choices(model)
            ]
            if choices:
                noun = f"The {model._meta.verbose_name}"
                if model is Entry:
                    noun = "The car you picked"
                groups.append((noun, choices))
        return groups

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if looks_like_link(source) and not is_web_link(source):
            raise ValidationError(
                "Give a full web address starting with http:// or https://, or "
                "write a citation instead."
            )
        if len(source) < 4:
            raise ValidationError("Say where the fact comes from, in a few words.")
        return source

    def check_not_automated(self, cleaned_data):
        """The honeypot and the fill time, named as a problem of the whole
        form: the fields they concern are hidden."""
        if cleaned_data.get("website"):
            self.add_error(
                None,
                "Not sent: a field people never see (“Leave this field empty”) "
                "was filled in.",
            )
        seconds = spam.seconds_since_shown(self.data.get(self.add_prefix("shown_at")))
        if seconds is None:
            self.refresh_shown_at()
            self.add_error(
                None,
                "This form was open too long or came from elsewhere. Check it "
                "and send it again.",
            )
        elif seconds < self.min_fill_seconds():
            self.add_error(
                None,
                "That was faster than anyone reads this form. Check it and "
                "send it again.",
            )

    def refresh_shown_at(self):
        data = self.data.copy()
        data[self.add_prefix("shown_at")] = spam.shown_at_token()
        self.data = data

    @staticmethod
    def min_fill_seconds() -> float:
        return settings.CORRECTIONS_MIN_FILL_SECONDS

    def clean(self):
        cleaned_data = super().clean()
        self.check_not_automated(cleaned_data)
        target = self.targets.get(cleaned_data.get("target"), (None, None))[1]
        choice = cleaned_data.get("field_choice") or ""
        kind_name, _, name = choice.partition(".")
        cleaned_data["field_name"] = name
        if target is None:
            return cleaned_data
        if name and about.KIND_OF_MODEL[type(target)].name != kind_name:
            self.add_error(
                "field_choice",
                "This fact belongs to a car: pick the car above, or pick a fact "
                "of the race.",
            )
        elif name and "proposed_value" in cleaned_data:
            try:
                fields.to_value(target, name, cleaned_data["proposed_value"])
            except ValidationError as error:
                self.add_error(
                    "proposed_value",
                    f"Not a possible {fields.field_label(type(target), name).lower()}: "
                    + " ".join(error.messages),
                )
        if not name and not cleaned_data.get("problem"):
            self.add_error(
                "problem", "Say what is wrong or missing, or pick the fact above."
            )
        if cleaned_data.get("is_credit_consented") and not cleaned_data.get(
            "credit_name"
        ):
            self.add_error(
                "credit_name", "Give the name to credit, or untick the box below."
            )
        return cleaned_data

    def save(self, commit=True):
        correction = super().save(commit=False)
        reference = self.cleaned_data["target"]
        target = self.targets[reference][1]
        name = self.cleaned_data["field_name"]
        correction.about = about.reference_for(self.thing)
        correction.target = reference
        correction.target_label = about.describe(target)[:200]
        correction.field = name
        correction.value_when_sent = fields.current_value(target, name)[:200]
        if commit:
            correction.save()
        return correction
