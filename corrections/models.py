"""Corrections and missing facts sent by fans, and the editors' decisions.

A correction names what it is about by reference (corrections/about.py),
never by a foreign key: the thing may be deleted or reloaded, the
suggestion stays. What the editors decide is recorded on the row (who,
when, why); an accepted value is written to the season data with its
history (corrections/fields.py), which the public changelog reads.

Personal fields (the credit name and the email) are emptied by
`manage.py purge_corrections` once a suggestion has been decided for 90
days.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from races.text import PlainTextModel

PERSONAL_FIELDS = {"credit_name": "", "email": "", "is_credit_consented": False}


class CorrectionQuerySet(models.QuerySet):
    def waiting(self):
        """Suggestions no editor has decided on, oldest first."""
        return self.filter(status=Correction.Status.NEW).order_by("sent_at", "pk")

    def with_personal_data_decided_before(self, moment):
        """Decided before `moment` and still holding a name or an email."""
        return (
            self.exclude(status=Correction.Status.NEW)
            .filter(decided_at__lt=moment)
            .filter(
                ~models.Q(email="")
                | ~models.Q(credit_name="")
                | models.Q(is_credit_consented=True)
            )
        )


class Correction(PlainTextModel, models.Model):
    """A fan's suggestion: what is wrong or missing, the value, the source."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        DUPLICATE = "duplicate", "Duplicate"

    about = models.CharField(
        max_length=120,
        help_text="The page it was sent from, as a reference such as "
        "'race:2004/mosport'.",
    )
    target = models.CharField(
        max_length=120,
        help_text="What exactly it is about: the page's thing or one car of a race.",
    )
    target_label = models.CharField(
        max_length=200, help_text="The thing's name when the suggestion was sent."
    )
    field = models.CharField(
        max_length=40,
        blank=True,
        help_text="The field it corrects, if the fan picked one.",
    )
    value_when_sent = models.CharField(
        max_length=200, blank=True, help_text="That field's value when it was sent."
    )
    problem = models.TextField("what is wrong or missing", max_length=2000, blank=True)
    proposed_value = models.CharField(max_length=200)
    source = models.CharField(
        max_length=500,
        help_text="A link or a citation (programme, timing sheet, magazine). "
        "Links are never fetched by the site.",
    )
    credit_name = models.CharField("credit as", max_length=80, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    is_credit_consented = models.BooleanField("may be credited publicly", default=False)
    sent_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(max_length=1000, blank=True)
    # Protected: deleting the original first would leave its duplicates
    # pointing nowhere.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_applied = models.BooleanField(
        default=False,
        help_text="Whether accepting it wrote the value to the season data "
        "(otherwise an editor made the change by hand).",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["status", "sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="duplicate")
                | models.Q(duplicate_of__isnull=False),
                name="correction_duplicate_names_original",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.target_label}"

    def get_absolute_url(self):
        return reverse("admin:corrections_correction_change", args=[self.pk])

    @property
    def number(self) -> int:
        return self.pk

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.NEW

    @property
    def credit(self) -> str:
        """The name to credit publicly: only with consent."""
        return self.credit_name if self.is_credit_consented else ""

    def decide(self, status: str, user, **fields) -> None:
        self.status = status
        self.decided_by = user
        self.decided_at = timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()
