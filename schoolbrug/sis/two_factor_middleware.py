"""Application administrators and the operator (superusers) must use two-factor authentication
(SPEC ACC-6, ASVS 6.3.3).

Accounts cannot know roles, so the rule lives here: a staff session without a verified second
factor is sent to the code step when the account has an authenticator app, and an application
administrator without one is sent to set it up, on every page except the few needed to do so.
Guardians are never asked. Needs django-otp's OTPMiddleware before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from schoolbrug.accounts.two_factor.devices import has_confirmed_device, supports_two_factor

from .policies import is_application_admin

# Pages a session may open before its second factor is in order.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
        "accounts:logout",
        "accounts:login",
        "set_language",
    }
)
UNTOUCHED_VIEWS = frozenset({"healthz"})
EXEMPT_PREFIXES = ("/static/",)


def second_factor_required(user: Any) -> bool:
    """Who must use two-factor authentication: application administrators, and the operator
    (a superuser reaches every school's data through /operator/)."""
    return bool(getattr(user, "is_superuser", False)) or is_application_admin(user)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in UNTOUCHED_VIEWS or request.path.startswith(EXEMPT_PREFIXES):
            return None  # no session or user lookup for health checks and static files
        user = request.user
        if not supports_two_factor(user):
            return None
        # Read by the accounts pages (may the second factor be switched off?), computed only then.
        request.two_factor_required = lambda: second_factor_required(user)  # type: ignore[attr-defined]
        if user.is_verified() or view_name in EXEMPT_VIEWS:  # type: ignore[union-attr]
            return None
        if has_confirmed_device(user):  # type: ignore[arg-type]
            target = "accounts:two-factor-verify"
        elif second_factor_required(user):
            target = "accounts:two-factor-setup"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
