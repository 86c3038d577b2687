"""The operator's admin site (`/operator/`): superusers only, and only with a second factor.

Django's admin brings its own login form, which would open a session with a password alone and
bypass the login throttling flow. Here there is one login for everybody: the admin's login page
sends a visitor to `accounts:login` (throttling, second factor, audit log), and a session reaches
the admin only when its account is an active superuser AND the session passed the second factor
(django-otp's `is_verified`). `sis.two_factor_middleware` makes superusers set up an
authenticator app like application administrators, so a superuser without one is sent to the
setup page first.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def is_verified_operator(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_superuser
        and is_verified is not None
        and is_verified()
    )


class OperatorAdminSite(admin.AdminSite):
    site_header = _("Schoolbrug operator")
    site_title = _("Schoolbrug operator")
    index_title = _("Operator")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_operator(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No login form of its own: the one login page, with its second factor, then back here."""
        if request.user.is_authenticated:
            # A superuser whose session lacks the second factor never gets here: the two-factor
            # middleware sends him to the code step first. Anyone else has no business here.
            raise Http404
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, reverse("accounts:login"))
