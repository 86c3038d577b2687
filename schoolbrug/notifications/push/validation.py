"""What a browser hands in when it subscribes, checked before anything is stored.

The server will later POST to the endpoint, so an endpoint is accepted only on a known push
service (SCHOOLBRUG_PUSH_SERVICES): an address inside the school's network or anyone's own
server is "foreign" and refused. The keys must be what RFC 8291 needs: a P-256 public point
(65 bytes, uncompressed, on the curve) and a 16-byte authentication secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .vapid import b64url_decode

MAX_ENDPOINT_LENGTH = 2048


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def _service_allows(scheme: str, host: str, port: int | None) -> bool:
    for entry in settings.SCHOOLBRUG_PUSH_SERVICES:
        if "://" in entry:
            # A full origin (the tests' own push service on 127.0.0.1): scheme, host, port exactly.
            allowed = urlsplit(entry)
            if (allowed.scheme, allowed.hostname, allowed.port) == (scheme, host, port):
                return True
        elif scheme == "https" and (host == entry or host.endswith("." + entry)):
            return True
    return False


def parse_endpoint(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_ENDPOINT_LENGTH:
        raise ValidationError(_("The push subscription has no valid address."), code="endpoint")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValidationError(_("The push subscription has no valid address."), code="endpoint") from None
    if parts.scheme not in {"https", "http"} or not parts.hostname or parts.username or parts.password:
        raise ValidationError(_("The push subscription has no valid address."), code="endpoint")
    if not _service_allows(parts.scheme, parts.hostname.lower(), port):
        raise ValidationError(
            _("This push subscription does not come from a push service that Schoolbrug knows."), code="foreign"
        )
    return value


def _decoded(value: object, length: int) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        raw = b64url_decode(value)
    except ValueError:
        return None
    return raw if len(raw) == length else None


def parse_subscription(body: bytes) -> SubscriptionData:
    """The JSON of PushSubscription.toJSON(): {"endpoint", "keys": {"p256dh", "auth"}}."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The push subscription could not be read."), code="json") from None
    if not isinstance(data, dict):
        raise ValidationError(_("The push subscription could not be read."), code="json")
    endpoint = parse_endpoint(data.get("endpoint"))
    keys = data.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    public = _decoded(keys.get("p256dh"), 65)
    if public is None or public[0] != 0x04:
        raise ValidationError(_("The push subscription has an invalid device key."), code="p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    except ValueError:
        raise ValidationError(_("The push subscription has an invalid device key."), code="p256dh") from None
    if _decoded(keys.get("auth"), 16) is None:
        raise ValidationError(_("The push subscription has an invalid authentication secret."), code="auth")
    return SubscriptionData(endpoint=endpoint, p256dh=keys["p256dh"].rstrip("="), auth=keys["auth"].rstrip("="))


def parse_endpoint_body(body: bytes) -> str:
    """The body of an unsubscribe request: {"endpoint": ...}."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The push subscription could not be read."), code="json") from None
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise ValidationError(_("The push subscription has no valid address."), code="endpoint")
    return endpoint


def device_label(user_agent: str) -> str:
    """A short, translated name for the device ("Firefox op Android"), from the User-Agent."""
    ua = user_agent or ""
    if "Edg/" in ua:
        browser = "Edge"
    elif "Firefox/" in ua or "FxiOS" in ua:
        browser = "Firefox"
    elif "SamsungBrowser" in ua:
        browser = "Samsung Internet"
    elif "Chrome/" in ua or "CriOS" in ua or "Chromium/" in ua:
        browser = "Chrome"
    elif "Safari/" in ua:
        browser = "Safari"
    else:
        browser = _("a browser")
    if "iPhone" in ua:
        system = "iPhone"
    elif "iPad" in ua:
        system = "iPad"
    elif "Android" in ua:
        system = "Android"
    elif "Windows" in ua:
        system = "Windows"
    elif "Mac OS X" in ua or "Macintosh" in ua:
        system = "macOS"
    elif "Linux" in ua or "CrOS" in ua:
        system = "Linux"
    else:
        return browser[:100]
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
