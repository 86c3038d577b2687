"""What the set-up modules share: the administrator of the request, and the audit record of a change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest

from schoolbrug.accounts import audit
from schoolbrug.accounts.models import Account

from .. import policies
from ..models import StaffMember


def admin_of(request: HttpRequest) -> StaffMember:
    """The application administrator behind the request; 404 for anyone else."""
    return policies.require_application_admin(request.user)


def actor_of(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)  # staff_required ran first
    return user


def stored_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values in the database before a form put new ones on the instance."""
    names = [f for f in fields if f in {field.attname for field in instance._meta.concrete_fields}]
    if instance.pk is None or not names:
        return {}
    return dict(type(instance)._default_manager.values(*names).get(pk=instance.pk))


def changed_fields(instance: models.Model, stored: dict[str, Any]) -> list[str]:
    return [name for name, old in stored.items() if getattr(instance, name) != old]


def record_setup(
    *, actor: Account, school_id: int, subject: str, what: str, action: str, fields: Iterable[str] = ()
) -> None:
    """An audit event for a change to the school's set-up: field names only, never values."""
    data: dict[str, Any] = {"setup": what, "action": action}
    names = list(fields)
    if names:
        data["setup_fields"] = names
    audit.record(audit.AuditEvent.Kind.SETTING_CHANGED, actor=actor, school_id=school_id, subject=subject, data=data)
