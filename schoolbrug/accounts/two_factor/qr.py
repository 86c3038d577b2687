from __future__ import annotations

from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from ..models import Account


def otpauth_url(account: Account, secret_base32: str) -> str:
    """The Key URI Format authenticator apps read; labelled with the e-mail address, not the
    internal "<kind>:<email>" username."""
    issuer = str(settings.OTP_TOTP_ISSUER).replace(":", "")
    label = quote(f"{issuer}:{account.email}")
    query = urlencode({"secret": secret_base32, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(content: str) -> SafeString:
    """An inline <svg> without script or style attributes, so the CSP needs no exception."""
    svg = segno.make(content, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308  (segno builds the markup itself; the content becomes modules only)
