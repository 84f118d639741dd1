"""Forget the personal data of suggestions decided long ago.

Empties the credit name, the email and the consent to be credited of every
suggestion decided more than --days days ago (90 by default). What was
suggested, its source and the decision stay. Run it daily (cron, a
systemd timer or the platform's scheduler).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from almsweb.cache import bump_data_version
from corrections.models import PERSONAL_FIELDS, Correction

DEFAULT_DAYS = 90


class Command(BaseCommand):
    help = "Remove names and emails from suggestions decided more than 90 days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count them; change nothing."
        )

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            found = Correction.objects.with_personal_data_decided_before(cutoff)
            if dry_run:
                count = found.count()
            else:
                count = found.update(**PERSONAL_FIELDS)
                if count:
                    # The changelog shows consented names: drop cached copies.
                    transaction.on_commit(bump_data_version)
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the personal data of {count} suggestion"
                f"{'' if count == 1 else 's'} decided before {cutoff:%Y-%m-%d}."
            )
        )
