"""Forgotten password and forgotten username (SPEC ACC-5).

Both forms answer the same whether or not the address is known (ASVS 6.3.8) and are throttled
per address and per IP. A reset link is Django's token: it hashes the password and last login,
so it works once, and it expires after PASSWORD_RESET_TIMEOUT. A reset never logs the person in,
so a staff member with an authenticator app is still asked for a code (ASVS 6.4.3).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from schoolbrug.core.outgoing import site_base_url

from .audit import AuditEvent, client_ip, record
from .forms import RecoveryRequestForm
from .models import Account
from .recovery_mail import RESET, USERNAME, recovery_requested

HOUR = 3600
LIMIT_PER_ADDRESS = 5
LIMIT_PER_IP = 20


def _hit(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count > limit


def throttled(request: HttpRequest, purpose: str, email: str) -> bool:
    """True beyond 5 requests an hour for one address or 20 from one IP (hashed cache keys)."""
    address = hashlib.sha256(email.encode()).hexdigest()[:32]
    ip = hashlib.sha256((client_ip(request) or "-").encode()).hexdigest()[:32]
    over_address = _hit(f"schoolbrug:recovery:{purpose}:address:{address}", LIMIT_PER_ADDRESS)
    over_ip = _hit(f"schoolbrug:recovery:{purpose}:ip:{ip}", LIMIT_PER_IP)
    return over_address or over_ip


def _request_page(request: HttpRequest, *, purpose: str, template: str, sent: str) -> HttpResponse:
    form = RecoveryRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if throttled(request, purpose, email):
            form.add_error(
                "email", _("Too many requests for this address or from this network. Please try again in an hour.")
            )
            return render(request, template, {"form": form}, status=429)
        # Captured now: the task worker that sends the mail has no request.
        recovery_requested(purpose=purpose, email=email, base_url=site_base_url(request), request=request)
        return redirect(sent)
    return render(request, template, {"form": form})


@csrf_protect
@never_cache
def password_reset_request(request: HttpRequest) -> HttpResponse:
    return _request_page(
        request,
        purpose=RESET,
        template="accounts/recovery/password_reset_request.html",
        sent="accounts:password-reset-sent",
    )


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    hours = settings.PASSWORD_RESET_TIMEOUT // HOUR
    return render(request, "accounts/recovery/password_reset_sent.html", {"hours": hours})


@csrf_protect
@never_cache
def username_reminder(request: HttpRequest) -> HttpResponse:
    return _request_page(
        request,
        purpose=USERNAME,
        template="accounts/recovery/username_reminder.html",
        sent="accounts:username-reminder-sent",
    )


def username_reminder_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/recovery/username_reminder_sent.html")


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/recovery/password_reset_complete.html")


def token_is_genuine(account: Account, token: str) -> bool:
    """Made by us for this account as it is now, ignoring its age: tells "expired" apart from
    "used" (the password changed) or "tampered"."""
    try:
        ts_b36, _hash = token.split("-")
        timestamp = base36_to_int(ts_b36)
    except ValueError:
        return False
    generator = default_token_generator
    return any(
        constant_time_compare(generator._make_token_with_timestamp(account, timestamp, secret), token)
        for secret in [generator.secret, *generator.secret_fallbacks]
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/recovery/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False  # the next login asks for the second factor as always

    def get_user(self, uidb64: str) -> Any:
        self.found_account = super().get_user(uidb64)
        if self.found_account is not None and not self.found_account.is_active:
            return None  # a deactivated account never gets a new password this way
        return self.found_account

    def failure_reason(self) -> str:
        account = self.found_account
        token = self.kwargs.get("token", "")
        if token == self.reset_url_token:
            token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN) or ""
        if account is None or not token or not token_is_genuine(account, token):
            return "invalid"  # tampered, incomplete, or used (the password hash changed)
        if not account.is_active:
            return "inactive"
        return "expired"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            context["reason"] = self.failure_reason()
            context["timeout_hours"] = settings.PASSWORD_RESET_TIMEOUT // HOUR
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        account = self.user
        assert account is not None  # a valid link always names an account
        response = super().form_valid(form)
        record(AuditEvent.Kind.PASSWORD_RESET_DONE, actor=account, request=self.request, subject=account.email)
        return response
