"""Rules the record services share: who configures a school, and how school-wide lists
(absence reasons, note categories) are saved and audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from schoolbrug.accounts import audit
from schoolbrug.sis.models import Group, StaffMember
from schoolbrug.sis.policies import application_admin_of

from ..models import AbsenceReason, NoteCategory


def require_application_admin(actor: Any) -> StaffMember:
    """The administrator behind a write to the school's own configuration; anyone else is
    refused (pages answer 404 before a service is ever reached)."""
    staff = application_admin_of(actor)
    if staff is None:
        raise PermissionDenied
    return staff


def check_groups_of_school(groups: Iterable[Group], school_id: int) -> None:
    if any(group.school_id != school_id for group in groups):
        raise ValidationError({"groups": _("Choose groups of your own school.")})


def school_setting_save[SchoolSetting: (AbsenceReason, NoteCategory)](
    *,
    actor: Any,
    model: type[SchoolSetting],
    instance: SchoolSetting | None,
    data: dict[str, Any],
    request: HttpRequest | None,
    label: str,
) -> SchoolSetting:
    """Creates or changes one row of a school's own list; the caller holds the transaction.

    `label` names the kind of row in the audit log ("absence reason").
    """
    staff = require_application_admin(actor)
    if instance is None:
        instance = model(school=staff.school)
    elif instance.school_id != staff.school_id:
        raise PermissionDenied
    # Read from the database: a bound ModelForm has already changed the instance.
    before = model.objects.filter(pk=instance.pk).values(*data).first() or {}
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    audit.record(
        audit.AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject=instance.name,
        data={"list": label, "setting_id": instance.pk, "before": before, "after": data},
    )
    return instance
