"""Outgoing mail through the task worker, with retries.

A web request never talks to the mail server itself: with the server down the guardian would get
an error page for something that was already saved. Instead

    mail_enqueue(message)

hands a plain-text message to the task worker once the current transaction commits. The worker
sends it through the default mailer (`schoolbrug.core.mail.RecordingBackend`), so what is
delivered lands in the outbox (the administrators' "Sent e-mail" page) like every other message.

When delivery fails for a reason that may pass (the server is down or busy, a 4xx answer), the
task enqueues the next attempt after `RETRY_DELAYS[n]` and then fails itself, so each failed
attempt is visible in the task results and the log. After the last attempt, or on a permanent
5xx answer, the message is given up and logged as an error.

Tasks that must build their message at send time (a password reset link may not be stored in the
task queue) get the same retries with `retried_delivery`:

    @task()
    def send_something(*, account_id: int, attempt: int = 1) -> None:
        with retried_delivery(send_something, attempt=attempt, account_id=account_id):
            build_message(account_id).send()

Task arguments are stored in the database, so `mail_enqueue` refuses a message that carries a
secret (`mark_secret`), attachments or HTML alternatives.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.tasks import Task, task
from django.utils import timezone

from .mail import SECRETS_ATTRIBUTE
from .outgoing import EmailMessage

logger = logging.getLogger("schoolbrug.mail")

# Six attempts over about eleven hours: a mail server restart or a night's outage is bridged, and
# a message that is still undeliverable after that is not news any more.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: connection problems and 4xx answers do, a 5xx
    answer (unknown mailbox, message refused) does not."""
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(not 500 <= code < 600 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPException | OSError)


@contextmanager
def retried_delivery(retry_task: Task[..., Any], *, attempt: int, **task_kwargs: Any) -> Iterator[None]:
    """Runs the delivery in the block; when it fails transiently, enqueues
    `retry_task(**task_kwargs, attempt=attempt + 1)` after the next delay, and re-raises."""
    try:
        yield
    except Exception as error:
        retry = attempt < MAX_ATTEMPTS and is_transient(error) and retry_task.get_backend().supports_defer
        if retry:
            delay = RETRY_DELAYS[attempt - 1]
            retry_task.using(run_after=timezone.now() + delay).enqueue(**task_kwargs, attempt=attempt + 1)
            logger.warning(
                "e-mail not delivered (attempt %d of %d), trying again in %s: %s",
                attempt,
                MAX_ATTEMPTS,
                delay,
                error,
            )
        else:
            logger.error("e-mail not delivered (attempt %d of %d), giving up: %s", attempt, MAX_ATTEMPTS, error)
        raise


def message_data(message: EmailMessage) -> dict[str, Any]:
    """The message as task arguments (JSON); only what a plain-text notification uses."""
    if getattr(message, SECRETS_ATTRIBUTE, None):
        raise ValueError("A message with a secret in it must be built in its task, not stored in the queue.")
    if message.attachments or getattr(message, "alternatives", None):
        raise ValueError("Only plain-text messages without attachments can be queued.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
    }


def message_from(data: dict[str, Any]) -> EmailMessage:
    return EmailMessage(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )


@task()
def deliver_mail(*, message: dict[str, Any], attempt: int = 1) -> None:
    with retried_delivery(deliver_mail, attempt=attempt, message=message):
        message_from(message).send()


def mail_enqueue(message: EmailMessage) -> None:
    """Sends `message` from the task worker once the current transaction commits (nothing is sent
    for a transaction that rolls back), with retries; see the module docstring."""
    data = message_data(message)
    transaction.on_commit(partial(deliver_mail.enqueue, message=data))
