"""System checks for Web Push configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from .vapid import application_server_key, contact_claim


@register()
def push_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.SCHOOLBRUG_VAPID_PRIVATE_KEY and application_server_key() is None:
        messages.append(
            Warning(
                "SCHOOLBRUG_VAPID_PRIVATE_KEY (or the VAPID key file) holds no valid P-256 key: push is off.",
                hint="Run `manage.py vapid_keys --force` or set the 32-byte base64url key.",
                id="schoolbrug.W301",
            )
        )
    # The contact matters only where push is sent: a production server with a VAPID key.
    if settings.PRODUCTION and application_server_key() is not None:
        domain = contact_claim().rsplit("@", 1)[-1].lower()
        if domain.endswith((".localhost", ".local", ".test", ".invalid", ".example")) or "@" not in contact_claim():
            messages.append(
                Warning(
                    "SCHOOLBRUG_PUSH_CONTACT is no address where a push service can reach the operator.",
                    hint="Set SCHOOLBRUG_PUSH_CONTACT (or SCHOOLBRUG_FROM_EMAIL) to a real, monitored address.",
                    id="schoolbrug.W302",
                )
            )
    return messages
