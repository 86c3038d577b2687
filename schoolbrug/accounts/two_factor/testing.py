"""Test helpers: a logged-in staff session that has passed the second factor."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import Account

BACKEND = "schoolbrug.accounts.backends.EmailBackend"


def give_device(account: Account) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=account, name="test", confirmed=True)


def verified_login(client: Client, account: Account) -> TOTPDevice:
    """`client.force_login`, plus the mark OTPMiddleware reads for a verified session."""
    device = give_device(account)
    client.force_login(account, backend=BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` periods later: the next one is accepted too)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
