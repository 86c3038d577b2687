"""Activation tokens: the secret in an invitation link that lets a person set his password.

Only a SHA-256 hash of each token is stored, with its own expiry (7 days), rather than
stretching Django's PASSWORD_RESET_TIMEOUT for everyone (SECURITY.md 6.4.1). A token works once;
issuing a new one for an account revokes the older unused ones, so only the newest link works.

Each row also serves as the record of an issued invitation: `reference` names what the invitation
was for (for example a guardian record) and `batch_key` the request that issued it, so a repeated
request (a double click, a retried bulk task) finds the first row instead of sending again.

Redemption hooks. accounts knows nothing of the records an invitation is for, so an app that
issues tokens with a `reference` registers what must happen when such a token is used:

    register_redeem_handler("sis.guardian:", link_guardian)   # in the app's AppConfig.ready()

When a token whose `reference` starts with the prefix is redeemed, the handler is called as
`handler(token=token, account=account)` inside the redemption's transaction, after the token was
marked used; an exception rolls the whole redemption back. This is how an invitation grants
access only once the owner of the account has acted on it, never at the moment it is sent.

Two ways to redeem: `activation_token_redeem` sets a new password (a new or inactive account, or
one that never had a password); `activation_token_confirm` is for an account that is already
someone's working login (`needs_current_password`): it only checks his current password, so
whoever merely sees the link cannot take the account over.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit

TOKEN_VALIDITY = timedelta(days=7)
# 32 random bytes = 256 bits, well above the 128 bits ASVS 6.4.1/11.5.1 ask for.
TOKEN_BYTES = 32


RedeemHandler = Callable[..., None]
_redeem_handlers: dict[str, RedeemHandler] = {}


def register_redeem_handler(prefix: str, handler: RedeemHandler) -> None:
    """Calls `handler(token=..., account=...)` when a token whose reference starts with `prefix`
    is redeemed (see the module docstring). Registering the same prefix again replaces it."""
    if not prefix:
        raise ValueError("A redeem handler needs a non-empty reference prefix.")
    _redeem_handlers[prefix] = handler


def _run_redeem_handlers(token: ActivationToken, account: Any) -> None:
    for prefix, handler in _redeem_handlers.items():
        if token.reference.startswith(prefix):
            handler(token=token, account=account)


def needs_current_password(account: Any) -> bool:
    """An active account with a password is someone's working login: a link does not replace it."""
    return bool(account.is_active and account.has_usable_password())


class ActivationToken(models.Model):
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_tokens", verbose_name=_("account")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Plain ids and keys, not foreign keys: accounts knows nothing of schools or guardians.
    school_id = models.BigIntegerField(_("school"), null=True, blank=True)
    issued_by_id = models.BigIntegerField(_("issued by"), null=True, blank=True)
    reference = models.CharField(_("issued for"), max_length=100, blank=True, default="")
    batch_key = models.CharField(_("batch"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("activation token")
        verbose_name_plural = _("activation tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "batch_key"],
                condition=~Q(batch_key=""),
                name="activationtoken_once_per_batch",
            )
        ]
        indexes = [models.Index(fields=["reference", "-created_at"], name="activation_reference_time")]

    def __str__(self) -> str:
        return f"activation token {self.pk} of account {self.account_id}"


class TokenStatus(enum.StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class TokenState:
    status: TokenStatus
    token: ActivationToken | None = None


class ActivationError(ValidationError):
    """A token that cannot (or can no longer) activate an account."""

    def __init__(self, status: TokenStatus) -> None:
        super().__init__(str(status), code=str(status))
        self.status = status


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def activation_token_issue(
    *,
    account: Any,
    school_id: int | None = None,
    issued_by: Any = None,
    reference: str = "",
    batch_key: str = "",
) -> str:
    """Issues a new token for `account` and returns the raw token (shown once, in the e-mail).

    Older unused tokens of the account stop working. Raises IntegrityError when `reference` and
    `batch_key` were already issued: the caller checks for that first and treats a race as a repeat.
    """
    now = timezone.now()
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        ActivationToken.objects.filter(account=account, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        ActivationToken.objects.create(
            account=account,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + TOKEN_VALIDITY,
            school_id=school_id,
            issued_by_id=getattr(issued_by, "pk", None),
            reference=reference,
            batch_key=batch_key,
        )
    return raw


def activation_token_already_issued(*, reference: str, batch_key: str) -> bool:
    return bool(batch_key) and ActivationToken.objects.filter(reference=reference, batch_key=batch_key).exists()


def activation_token_withdraw(*, raw_token: str) -> None:
    """For a token whose e-mail could not be sent: it stops working and no longer counts as issued
    for its batch, so sending again (a retry of the batch, the same form) issues a new one."""
    ActivationToken.objects.filter(token_hash=hash_token(raw_token), used_at__isnull=True).update(
        revoked_at=timezone.now(), batch_key=""
    )


def activation_tokens_revoke(*, account: Any, schools: Sequence[int | None] | None = None) -> int:
    """Stops unused links of an account from working: all of them, or those issued for the
    given schools (None in `schools` stands for links issued for no school). Used when a school
    withdraws a guardian's access, or the account is made inactive."""
    tokens = ActivationToken.objects.filter(account=account, used_at__isnull=True, revoked_at__isnull=True)
    if schools is not None:
        ids = [school_id for school_id in schools if school_id is not None]
        issued_for = Q(school_id__in=ids)
        if None in schools:
            issued_for |= Q(school_id__isnull=True)
        tokens = tokens.filter(issued_for)
    return tokens.update(revoked_at=timezone.now())


def _state_of(token: ActivationToken | None) -> TokenState:
    if token is None:
        return TokenState(TokenStatus.UNKNOWN)
    if token.used_at is not None:
        return TokenState(TokenStatus.USED, token)
    if token.revoked_at is not None:
        return TokenState(TokenStatus.REVOKED, token)
    if timezone.now() >= token.expires_at:
        return TokenState(TokenStatus.EXPIRED, token)
    return TokenState(TokenStatus.VALID, token)


def activation_token_state(raw_token: str) -> TokenState:
    """What a link is worth right now, without using it up (mail scanners open links too)."""
    token = ActivationToken.objects.select_related("account").filter(token_hash=hash_token(raw_token)).first()
    return _state_of(token)


def _lock_valid(raw_token: str) -> ActivationToken:
    # Locked, so of two simultaneous submissions exactly one succeeds.
    token = (
        ActivationToken.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    state = _state_of(token)
    if state.status != TokenStatus.VALID or token is None:
        raise ActivationError(state.status)
    return token


def _use(token: ActivationToken, account: Any, request: HttpRequest | None, *, confirmed: bool) -> None:
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    _run_redeem_handlers(token, account)
    audit.record(
        audit.AuditEvent.Kind.ACCOUNT_ACTIVATED,
        actor=account,
        request=request,
        school_id=token.school_id,
        subject=account.email,
        data={"account_id": account.pk, "confirmed_with_current_password": confirmed},
    )


def activation_token_redeem(*, raw_token: str, password: str, request: HttpRequest | None = None) -> Any:
    """Sets the password of the token's account, activates it and uses the token up.

    Raises ActivationError when the token is unknown, used, revoked or expired, and
    PermissionDenied when the account is a working login (`needs_current_password`): that one is
    redeemed with `activation_token_confirm`.
    """
    with transaction.atomic():
        token = _lock_valid(raw_token)
        account = token.account
        if needs_current_password(account):
            raise PermissionDenied
        account.set_password(password)
        account.is_active = True
        account.save(update_fields=["password", "is_active"])
        _use(token, account, request, confirmed=False)
    return account


def activation_token_confirm(*, raw_token: str, current_password: str, request: HttpRequest | None = None) -> Any:
    """Redeems a token of a working login after checking the account's current password.

    The check goes through `authenticate`, so wrong guesses count towards the login lockout and
    reach the audit log like failed logins. Raises ActivationError for an unusable token and
    WrongPassword when the password does not open the token's account; the token stays valid then.
    """
    state = activation_token_state(raw_token)
    if state.status != TokenStatus.VALID or state.token is None:
        raise ActivationError(state.status)
    account = state.token.account
    # Checked outside the transaction below: a failed attempt must stay recorded.
    checked = authenticate(request, username=account.email, password=current_password, kind=account.kind)
    if checked is None or checked.pk != account.pk:
        raise WrongPassword
    with transaction.atomic():
        token = _lock_valid(raw_token)
        if token.account_id != account.pk:
            raise ActivationError(TokenStatus.UNKNOWN)
        _use(token, token.account, request, confirmed=True)
    return token.account


class WrongPassword(Exception):
    """The current password given to confirm a link does not open the link's account."""
