"""`{% push_devices %}`: the account page's panel of this person's devices that get push messages."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import subscriptions_of
from ..vapid import application_server_key

register = template.Library()


@register.inclusion_tag("push/_devices.html", takes_context=True)
def push_devices(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "devices": list(subscriptions_of(request.user)),
        "application_server_key": application_server_key() or "",
        "next": request.get_full_path(),
    }
