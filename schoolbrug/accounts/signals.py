"""Authentication events into the audit log (ASVS 16.3.1): who, when, from which address.

Connected in AccountsConfig.ready. Never records what was typed as a password, nor tokens.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from .audit import AuditEvent, record
from .models import Account


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    device = getattr(user, "otp_device", None)
    data: dict[str, Any] = {"kind": getattr(user, "kind", "")}
    if device is not None:
        data["second_factor"] = "recovery_code" if device.persistent_id.startswith("otp_static") else "app"
    record(AuditEvent.Kind.LOGIN_SUCCEEDED, actor=user, request=request, subject=getattr(user, "email", ""), data=data)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django already masks the password in `credentials`; only the address is kept.
    email = str(credentials.get("username") or "").strip().lower()[:254]
    accounts = list(Account.objects.filter(email__iexact=email)) if email else []
    if not accounts:
        record(AuditEvent.Kind.LOGIN_FAILED, request=request, subject=email, data={"known": False})
    for account in accounts:  # one row per account, so each school sees attempts on its own accounts
        record(AuditEvent.Kind.LOGIN_FAILED, actor=account, request=request, subject=account.email)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, actor=user, request=request, subject=getattr(user, "email", ""))


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    email = str(username or "").strip().lower()[:254]
    accounts = list(Account.objects.filter(email__iexact=email)) if email else []
    if not accounts:
        record(AuditEvent.Kind.LOGIN_LOCKED_OUT, request=request, subject=email, data={"known": False})
    for account in accounts:
        record(AuditEvent.Kind.LOGIN_LOCKED_OUT, actor=account, request=request, subject=account.email)


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="schoolbrug_audit_logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="schoolbrug_audit_login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="schoolbrug_audit_logged_out")
    user_locked_out.connect(on_locked_out, dispatch_uid="schoolbrug_audit_locked_out")
