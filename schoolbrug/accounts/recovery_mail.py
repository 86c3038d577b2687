"""Mails for a forgotten password or username. The task builds the reset token at send time,
so no token is ever stored (not in the task queue, not in the audit log); a failed delivery is
tried again by a later run of the same task (`schoolbrug.core.mail_queue.retried_delivery`)."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from schoolbrug.core.mail import ACCOUNT_HEADER, KIND_HEADER, mark_secret
from schoolbrug.core.mail_queue import retried_delivery
from schoolbrug.core.outgoing import EmailMessage, email_link

from .audit import AuditEvent, record
from .models import Account

RESET = "password_reset"
USERNAME = "username_reminder"


def reset_allowed(account: Account) -> bool:
    """Deactivated accounts and invitations that were never accepted get no reset link: the
    school decides about them, not whoever can read the mailbox."""
    return account.is_active and account.has_usable_password()


def recovery_requested(*, purpose: str, email: str, base_url: str, request: HttpRequest) -> None:
    """Records the request and queues one mail per account under the address (a staff and a
    guardian account may share it); an unknown address gets no mail but the same answer."""
    kind = AuditEvent.Kind.PASSWORD_RESET_REQUESTED if purpose == RESET else AuditEvent.Kind.USERNAME_REMINDER
    accounts = list(Account.objects.filter(email__iexact=email).order_by("-kind"))
    with transaction.atomic():
        if not accounts:
            record(kind, request=request, subject=email, data={"known": False})
        for account in accounts:
            link = purpose == RESET and reset_allowed(account)
            record(kind, actor=account, request=request, subject=account.email, data={"link": link})
            transaction.on_commit(
                partial(send_recovery_mail.enqueue, account_id=account.pk, purpose=purpose, base_url=base_url)
            )


@task()
def send_recovery_mail(*, account_id: int, purpose: str, base_url: str, attempt: int = 1) -> None:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return
    retry = {"account_id": account_id, "purpose": purpose, "base_url": base_url}
    with retried_delivery(send_recovery_mail, attempt=attempt, **retry):
        recovery_mail_send(account=account, purpose=purpose, base_url=base_url)


def recovery_mail_send(*, account: Account, purpose: str, base_url: str) -> None:
    context: dict[str, object] = {
        "account": account,
        "kind": account.get_kind_display(),
        "active": account.is_active,
        "activated": account.has_usable_password(),
        "login_url": email_link(reverse("accounts:login"), base_url=base_url),
        "reset_url": "",
    }
    if purpose == RESET and reset_allowed(account):
        uid = urlsafe_base64_encode(force_bytes(account.pk))
        token = default_token_generator.make_token(account)
        reset_path = reverse("accounts:password-reset-confirm", args=[uid, token])
        context["reset_url"] = email_link(reset_path, base_url=base_url)
    template = "accounts/recovery/password_reset_mail" if purpose == RESET else "accounts/recovery/username_mail"
    with translation.override(account.language or "nl"):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    # The account header puts the mail on the "Sent e-mail" page of the account's schools.
    headers = {KIND_HEADER: purpose, ACCOUNT_HEADER: str(account.pk)}
    message = EmailMessage(subject=subject, body=body, to=[account.email], headers=headers)
    if context["reset_url"]:
        # A working reset link is a key to the account: the outbox keeps "[hidden]" in its place
        # (also where the mailer records secrets: a mail about an account never shows them).
        mark_secret(message, str(context["reset_url"]))
    message.send()
