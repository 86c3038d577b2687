"""Devices and second-factor checks. Every write to a device goes through a function here."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import AuditEvent, record
from ..models import Account

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def supports_two_factor(account: Any) -> bool:
    # Guardians are never asked for a second factor (docs/decisions/0002).
    return bool(getattr(account, "is_authenticated", False)) and getattr(account, "is_staff_member", False)


def confirmed_totp_device(account: Account) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=account, confirmed=True).first()


def has_confirmed_device(account: Account) -> bool:
    return TOTPDevice.objects.filter(user=account, confirmed=True).exists()


def recovery_codes_left(account: Account) -> int:
    return StaticToken.objects.filter(device__user=account, device__confirmed=True).count()


def unconfirmed_totp_device(*, actor: Account) -> TOTPDevice:
    """The device being enrolled: kept across page loads so the QR code stays the same."""
    if not supports_two_factor(actor):
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)
    return device


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _verify(device: Device, code: str) -> bool:
    # Lock the row so two requests with the same code cannot both pass (last_t, used tokens).
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def verification_blocked(account: Account) -> bool:
    """django-otp's own growing delay after a wrong code (1, 2, 4, ... seconds)."""
    device = confirmed_totp_device(account)
    return device is not None and not device.verify_is_allowed()[0]


def verify_second_factor(account: Account, code: str) -> Device | None:
    """The device that accepts `code` (a six-digit code or a recovery code), or None.

    A TOTP code is accepted once (`last_t`), a recovery code is deleted when used.
    """
    code = normalise_code(code)
    if not code:
        return None
    if code.isdigit():
        device: Device | None = confirmed_totp_device(account)
    else:
        device = StaticDevice.objects.filter(user=account, confirmed=True).first()
    if device is not None and _verify(device, code):
        return device
    return None


@transaction.atomic
def totp_device_confirm(*, actor: Account, device: TOTPDevice, code: str, request: HttpRequest) -> list[str] | None:
    """Confirms the enrolling device when `code` fits; returns fresh recovery codes, or None."""
    if not supports_two_factor(actor) or device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    if not _verify(device, normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    codes = _new_recovery_codes(actor)
    record(AuditEvent.Kind.TWO_FACTOR_ENABLED, actor=actor, request=request, subject=actor.email)
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: Account, request: HttpRequest) -> list[str]:
    if not supports_two_factor(actor) or not has_confirmed_device(actor):
        raise PermissionDenied
    codes = _new_recovery_codes(actor)
    record(
        AuditEvent.Kind.TWO_FACTOR_ENABLED,
        actor=actor,
        request=request,
        subject=actor.email,
        data={"recovery_codes": "renewed"},
    )
    return codes


@transaction.atomic
def two_factor_disable(*, actor: Account, required: bool, request: HttpRequest) -> None:
    """Removes every device. `required` comes from the role rules (sis): administrators may not."""
    if required or not supports_two_factor(actor):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    record(AuditEvent.Kind.TWO_FACTOR_DISABLED, actor=actor, request=request, subject=actor.email)


def _new_recovery_codes(account: Account) -> list[str]:
    # Earlier codes stop working: only the list shown last is valid.
    StaticDevice.objects.filter(user=account).delete()
    device = StaticDevice.objects.create(user=account, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- throttling of the second factor ------------------------------------------------------------
# A wrong password is counted by django-axes; a wrong code after a right password is counted here,
# per account, because only someone who knows the password gets this far.
FAILURE_LIMIT = 5


def _key(account_id: int, what: str) -> str:
    digest = hashlib.sha256(f"{account_id}".encode()).hexdigest()[:16]
    return f"schoolbrug:2fa:{what}:{digest}"


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def is_locked(account_id: int) -> bool:
    return bool(cache.get(_key(account_id, "locked")))


def register_failure(account_id: int) -> bool:
    """Counts one wrong code; True when this failure locks the account."""
    key = _key(account_id, "failures")
    cache.add(key, 0, timeout=cooloff_seconds())
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=cooloff_seconds())
        failures = 1
    if failures >= FAILURE_LIMIT:
        cache.set(_key(account_id, "locked"), True, timeout=cooloff_seconds())
        cache.delete(key)
        return True
    return False


def clear_failures(account_id: int) -> None:
    cache.delete(_key(account_id, "failures"))
