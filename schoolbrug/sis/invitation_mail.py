"""The e-mail that carries an activation link, for guardians and staff alike.

Both invitations have the same shape (the reader's language, the school as reply address, the link
kept out of the outbox) and the same delivery rule: a link that no one received must not work, nor
count as "already sent" on a retry. The texts differ; the templates name them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from schoolbrug.accounts.activation import activation_token_withdraw
from schoolbrug.core.mail import KIND_HEADER, SCHOOL_HEADER, mark_secret
from schoolbrug.core.outgoing import EmailMessage

from .models import School

logger = logging.getLogger("schoolbrug.invitations")


@dataclass
class Delivery:
    """What became of the e-mail. Filled in after the transaction commits, when it is handed to
    the mail server; until then `attempted` is False (e.g. inside a caller's transaction)."""

    attempted: bool = False
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.attempted and bool(self.error)


def invitation_message(
    *, templates: str, context: dict[str, Any], language: str, to: str, school: School, kind: str, link: str
) -> EmailMessage:
    """The message from `<templates>_subject.txt` and `<templates>_body.txt` in `language` (the
    site's default when it is not one of ours)."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(f"{templates}_subject.txt", context).split())
        body = render_to_string(f"{templates}_body.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        reply_to=[school.email] if school.email else None,
        headers={
            SCHOOL_HEADER: str(school.pk),
            KIND_HEADER: kind,
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )
    # The link is the key to an account: the outbox of a real school must not keep it.
    return mark_secret(message, link)


def invitation_deliver(message: EmailMessage, raw_token: str, delivery: Delivery) -> None:
    """Sends now (after the commit) and reports to the caller; a failed send withdraws the token."""
    try:
        message.send()
    except Exception as error:  # reported to the caller; never log the body, it holds the link
        logger.exception("invitation e-mail to %s could not be sent", ", ".join(message.recipients()))
        delivery.error = (str(error) or type(error).__name__)[:250]
        # Nobody received this link: it must not work, nor count as "already sent" on a retry.
        activation_token_withdraw(raw_token=raw_token)
    delivery.attempted = True
