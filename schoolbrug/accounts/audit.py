"""The audit log: append-only records of security- and privacy-relevant events (ACC-7).

Rows are written through `record` only; the admin and staff pages only read it. Nothing may
change or remove a row once written, at three depths: the model refuses `save()` of an existing
row and `delete()`, its queryset refuses bulk `update()` and `delete()` (and so `bulk_update`),
and on PostgreSQL a trigger refuses UPDATE and DELETE from any client, raw SQL included
(migration 0005). TRUNCATE stays possible for the database owner (test runs flush with it).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(PermissionError):
    """Raised for any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("login succeeded")
        LOGIN_FAILED = "login_failed", _("login failed")
        LOGIN_LOCKED_OUT = "login_locked_out", _("login locked out")
        LOGOUT = "logout", _("logout")
        INVITATION_SENT = "invitation_sent", _("invitation sent")
        ACCOUNT_ACTIVATED = "account_activated", _("account activated")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("account deactivated")
        ACCESS_WITHDRAWN = "access_withdrawn", _("access withdrawn at this school")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PASSWORD_RESET_DONE = "password_reset_done", _("password reset")
        USERNAME_REMINDER = "username_reminder", _("username reminder sent")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("two-factor authentication enabled")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("two-factor authentication disabled")
        TWO_FACTOR_FAILED = "two_factor_failed", _("two-factor code refused")
        SETTING_CHANGED = "setting_changed", _("setting changed")
        RECORD_CHANGED = "record_changed", _("record changed")
        MEDICAL_VIEWED = "medical_viewed", _("medical data viewed")
        CONTACT_VIEWED = "contact_viewed", _("contact data viewed")
        EXPORTED = "exported", _("data exported")
        IMPERSONATION = "impersonation", _("logged in as guardian")
        PIN_SET = "pin_set", _("contact PIN set")
        PIN_ENTERED = "pin_entered", _("contact PIN entered")
        PIN_FAILED = "pin_failed", _("contact PIN refused")
        PIN_LOCKED = "pin_locked", _("contact PIN locked")

    at = models.DateTimeField(_("moment"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    # Plain ids, not foreign keys: the log outlives the accounts and schools it mentions.
    actor_id = models.BigIntegerField(_("account"), null=True, blank=True)
    actor_label = models.CharField(_("by"), max_length=300, blank=True)
    school_id = models.BigIntegerField(_("school"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["school_id", "-at"], name="audit_school_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the login lockout sees it: behind a proxy (SCHOOLBRUG_PROXY_COUNT,
    i.e. AXES_IPWARE_PROXY_COUNT) that is the forwarded address, not the proxy's own. Audit rows
    and the per-IP recovery throttles use this one lookup. When the forwarded chain does not match
    the configured proxy count, the proxy's own address is the honest fallback."""
    if request is None:
        return None
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    school_id: int | None = None,
    subject: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Writes one audit event. Never pass passwords, tokens or medical text in `data`."""
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    label = getattr(actor, "email", "") if actor_id else ""
    return AuditEvent.objects.create(
        kind=kind,
        actor_id=actor_id,
        actor_label=label,
        school_id=school_id,
        subject=subject[:300],
        ip_address=client_ip(request),
        data=data or {},
    )
