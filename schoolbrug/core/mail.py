"""Outgoing e-mail: a backend that records every delivered message, and the outbox it fills.

`RecordingBackend` is the default mailer. It hands messages to the real backend named in its
options (console in the embedded default, SMTP in production) and keeps a copy of each delivered
message in `OutgoingMail`, so an administrator can see what was sent, and a demo works without
an SMTP server. Senders tag a message with two headers that the outbox keeps as columns:

    X-Schoolbrug-School: the id of the school the message is sent for (the outbox is per school)
    X-Schoolbrug-Kind:   what kind of message it is, e.g. "invitation"
    X-Schoolbrug-Account: the id of the account a message about an account is for (a password
                         reset), when it is sent for no school in particular; the outbox page of
                         every school the account is linked to shows it

Rows older than `KEEP_DAYS` are pruned by a periodic job (`schoolbrug.core.jobs`).

Secrets in a message (an activation link) are marked by the sender with `mark_secret`. They are
recorded only when the backend is configured with `record_secrets` (the embedded default, where
the outbox is how a demo reaches the link), and never in a mail about an account rather than a
school (a password reset); otherwise the outbox keeps "[hidden]" in their place, so neither the
database nor an administrator holds a working link meant for someone else.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks.mail import NON_PRODUCTION_EMAIL_BACKENDS
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("schoolbrug.mail")

SCHOOL_HEADER = "X-Schoolbrug-School"
KIND_HEADER = "X-Schoolbrug-Kind"
ACCOUNT_HEADER = "X-Schoolbrug-Account"
KEEP_DAYS = 30
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECRETS_ATTRIBUTE = "schoolbrug_secrets"
HIDDEN = "[hidden]"


class OutgoingMail(models.Model):
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    # A plain id, not a foreign key: core knows nothing of schools, and mail outlives rows.
    school_id = models.BigIntegerField(_("school"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=50, blank=True, default="")
    # Likewise a plain id: core knows nothing of accounts either.
    account_id = models.BigIntegerField(_("account"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["school_id", "-sent_at"], name="outgoingmail_school_time")]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.to}: {self.subject}"


def _header_id(message: EmailMessage, header: str) -> int | None:
    value = str(message.extra_headers.get(header, "")).strip()
    return int(value) if value.isdigit() else None


def mark_secret[M: EmailMessage](message: M, *secrets: str) -> M:
    """Marks text in `message` (e.g. an activation link) that the outbox must not keep."""
    setattr(message, SECRETS_ATTRIBUTE, [*getattr(message, SECRETS_ATTRIBUTE, []), *secrets])
    return message


def outgoing_mail_from(message: EmailMessage, *, record_secrets: bool = False) -> OutgoingMail:
    body = str(message.body)
    school_id, account_id = _header_id(message, SCHOOL_HEADER), _header_id(message, ACCOUNT_HEADER)
    # A mail about an account (a reset link) is shown to the administrators of every school the
    # account is linked to; its secret opens the whole account, children at other schools
    # included, so no administrator gets it, not even where secrets are recorded.
    if not record_secrets or (school_id is None and account_id is not None):
        # Longest first, so a secret that contains another is hidden whole.
        for secret in sorted(getattr(message, SECRETS_ATTRIBUTE, []), key=len, reverse=True):
            body = body.replace(secret, HIDDEN)
    return OutgoingMail(
        to=", ".join(message.recipients()),
        subject=str(message.subject)[:998],
        body=body,
        school_id=school_id,
        kind=str(message.extra_headers.get(KIND_HEADER, ""))[:50],
        account_id=account_id,
    )


def prune_outgoing_mail(*, now: Any = None, keep_days: int = KEEP_DAYS) -> int:
    """Deletes recorded mail older than `keep_days`; returns the number of rows removed."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _by_model = OutgoingMail.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


class RecordingBackend(BaseEmailBackend):
    """Delivers through `delivery_backend` (with `delivery_options`) and records what it delivered.

    Configured in MAILERS::

        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {"delivery_backend": "django.core.mail.backends.smtp.EmailBackend",
                        "delivery_options": {"host": "...", "port": 587},
                        "record_secrets": False},
        }
    """

    def __init__(
        self,
        *,
        delivery_backend: str = CONSOLE_BACKEND,
        delivery_options: dict[str, Any] | None = None,
        record_secrets: bool = False,
        alias: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(alias=alias, **kwargs)
        self.record_secrets = record_secrets
        backend_class = import_string(delivery_backend)
        self.delivery: BaseEmailBackend = backend_class(alias=alias, **(delivery_options or {}))

    def open(self) -> Any:
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        sent = self.delivery.send_messages(messages) or 0
        if sent:
            self._record([m for m in messages if m.recipients()])
        return sent

    def _record(self, messages: list[EmailMessage]) -> None:
        # Delivery already happened: a failure to record must not look like a failed send (the
        # caller might send again), so it is logged, in a savepoint that keeps any outer
        # transaction usable.
        try:
            with transaction.atomic():
                OutgoingMail.objects.bulk_create(
                    outgoing_mail_from(m, record_secrets=self.record_secrets) for m in messages
                )
        except DatabaseError:
            logger.exception("could not record %d delivered message(s) in the outbox", len(messages))


@checks.register(checks.Tags.mail, deploy=True)
def check_recorded_delivery_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django's own check (mail.E001) only sees the wrapper; this one looks at what it wraps."""
    config: dict[str, Any] = settings.MAILERS.get("default", {})
    if config.get("BACKEND") != f"{__name__}.RecordingBackend":
        return []
    delivery = config.get("OPTIONS", {}).get("delivery_backend", CONSOLE_BACKEND)
    if delivery not in NON_PRODUCTION_EMAIL_BACKENDS:
        return []
    return [
        checks.Error(
            f"The default mailer records mail but delivers it with a development-only backend ({delivery}).",
            hint="Set SCHOOLBRUG_EMAIL_BACKEND to a production backend such as SMTP.",
            id="schoolbrug.E001",
        )
    ]
