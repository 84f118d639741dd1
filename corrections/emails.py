"""Email about suggestions: to the editors when one arrives, to the fan when
it is decided (only if they gave an address).

Sent with Django's email after the transaction commits; a mail server that
is down is logged and never fails the fan's or the editor's request.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from races.permissions import EDITORS_GROUP

from .models import Correction

logger = logging.getLogger(__name__)


def editor_addresses() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def send(subject: str, template: str, context: dict, recipients: list[str]):
    if not recipients:
        return
    body = render_to_string(template, context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        logger.exception("Could not send %r to %d recipients", subject, len(recipients))


def notify_editors(correction: Correction, review_url: str) -> None:
    """Tell the Editors group that a suggestion waits (after the commit)."""
    subject = f"Correction #{correction.pk}: {correction.target_label}"[:150]
    context = {"correction": correction, "review_url": review_url}
    transaction.on_commit(
        lambda: send(subject, "corrections/email/new.txt", context, editor_addresses())
    )


def notify_submitter(correction: Correction, page_url: str) -> None:
    """Tell the fan what was decided, if they gave an address."""
    if not correction.email:
        return
    decision = correction.get_status_display().lower()
    subject = f"Your correction #{correction.pk}: {decision}"
    context = {"correction": correction, "page_url": page_url}
    recipients = [correction.email]
    transaction.on_commit(
        lambda: send(subject, "corrections/email/decided.txt", context, recipients)
    )
