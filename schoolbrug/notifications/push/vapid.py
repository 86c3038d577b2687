"""VAPID (RFC 8292): the server's key pair that push services use to know who sends.

The private key is 32 bytes, base64url, from SCHOOLBRUG_VAPID_PRIVATE_KEY or the file that
`manage.py vapid_keys` writes (var/vapid_private_key, mode 0600, never in git). The public key
(the browser's applicationServerKey) is derived from it, so there is one thing to keep.
"""

from __future__ import annotations

import base64
import os
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02


class VapidKeyMissing(Exception):
    """No VAPID key is configured: this server cannot send push messages."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional); raises ValueError on anything else."""
    cleaned = text.strip()
    if not cleaned or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in cleaned
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def generate_private_key() -> str:
    """A new P-256 private key as base64url of its 32-byte scalar."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


def write_key_file(path: Path, private_key: str) -> None:
    """Creates the file readable by its owner only (0600) before any secret is in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(private_key + "\n")
    path.chmod(0o600)  # an existing file keeps its old mode through O_CREAT


def configured_private_key() -> str:
    key = (settings.SCHOOLBRUG_VAPID_PRIVATE_KEY or "").strip()
    if not key:
        raise VapidKeyMissing
    return key


def vapid_signer() -> Vapid02:
    private = configured_private_key()
    if len(b64url_decode(private)) != 32:
        raise VapidKeyMissing
    return Vapid02.from_raw(private.encode("ascii"))


def public_key_for(private_key: str) -> str:
    """The applicationServerKey for a private key: base64url of the uncompressed point."""
    if len(b64url_decode(private_key)) != 32:
        raise ValueError("a VAPID private key is 32 bytes, base64url")
    signer = Vapid02.from_raw(private_key.encode("ascii"))
    point = signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url_encode(point)


def application_server_key() -> str | None:
    """What the browser needs to subscribe, or None when push is not set up on this server."""
    try:
        return public_key_for(configured_private_key())
    except (VapidKeyMissing, ValueError):
        return None


def contact_claim() -> str:
    """The VAPID `sub`: a real address where the push services can reach the school's operator."""
    contact = (settings.SCHOOLBRUG_PUSH_CONTACT or "").strip()
    if contact.startswith(("mailto:", "https://")):
        return contact
    return "mailto:" + parseaddr(contact)[1]
