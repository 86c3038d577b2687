"""Writes of the portal: settings, modules, planned switches and guardians' own choices."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts.audit import AuditEvent, record
from schoolbrug.sis.dates import school_today
from schoolbrug.sis.models import School
from schoolbrug.sis.policies import is_application_admin

from .models import GuardianPortalPreference, ModuleSchedule, PortalModule, PortalSettings, dashboard_image_path
from .modules import DASHBOARD_MODULES, MODULE_OPTIONS, Module

logger = logging.getLogger(__name__)


def _require_admin(actor: Any, school: School) -> None:
    if not is_application_admin(actor, school.pk):
        raise PermissionDenied


HELP_CONTACT_FIELDS = ("help_contact_name", "help_contact_email", "help_contact_phone", "help_moment")


@transaction.atomic
def portal_settings_update(
    *,
    actor: Any,
    school: School,
    correction_email: str,
    website: str,
    maintenance_mode: bool,
    image_png: bytes | None = None,
    remove_image: bool = False,
    help_contact: dict[str, str] | None = None,
) -> PortalSettings:
    """Saves POR-1/POR-2 settings; `image_png` is an already validated, re-encoded image.
    `help_contact`: the instruction letter's contact fields (HELP_CONTACT_FIELDS); None keeps them."""
    _require_admin(actor, school)
    row, _created = PortalSettings.objects.select_for_update().get_or_create(school=school)
    old_image = row.dashboard_image.name if row.dashboard_image else ""
    changed = {
        name
        for name, value in (
            ("correction_email", correction_email),
            ("website", website),
            ("maintenance_mode", maintenance_mode),
        )
        if getattr(row, name) != value
    }
    for name, value in (help_contact or {}).items():
        if name in HELP_CONTACT_FIELDS and getattr(row, name) != value:
            setattr(row, name, value)
            changed.add(name)
    row.correction_email = correction_email
    row.website = website
    row.maintenance_mode = maintenance_mode
    if image_png is not None:
        row.dashboard_image.save(dashboard_image_path(row, "image.png"), ContentFile(image_png), save=False)
        changed.add("dashboard_image")
    elif remove_image and old_image:
        row.dashboard_image = ""
        changed.add("dashboard_image")
    row.full_clean()
    row.save()
    new_image = row.dashboard_image.name if row.dashboard_image else ""
    if old_image and old_image != new_image:
        storage = row.dashboard_image.storage
        transaction.on_commit(lambda: storage.delete(old_image))
    if changed:
        record(
            AuditEvent.Kind.SETTING_CHANGED,
            actor=actor,
            school_id=school.pk,
            subject="portal settings",
            data={"fields": sorted(changed)},
        )
    return row


@transaction.atomic
def portal_module_update(*, actor: Any, school: School, module: str, data: dict[str, Any]) -> PortalModule:
    """Switches a module and sets its options; options another module uses are ignored."""
    _require_admin(actor, school)
    if module not in Module.values:
        raise ValidationError(_("Unknown module."))
    row, _created = PortalModule.objects.select_for_update().get_or_create(school=school, module=module)
    enabled = bool(data.get("enabled", row.enabled))
    show_on_dashboard = bool(data.get("show_on_dashboard", False)) and module in DASHBOARD_MODULES
    if show_on_dashboard and not enabled:
        raise ValidationError({"show_on_dashboard": _("A module can only be shown on the dashboard while it is on.")})
    before = (row.enabled, row.show_on_dashboard)
    row.enabled = enabled
    # While off, the dashboard choice is kept for when the module comes back on.
    if enabled:
        row.show_on_dashboard = show_on_dashboard
    for option in MODULE_OPTIONS.get(module, ()):
        if option in data:
            setattr(row, option, data[option])
    row.full_clean()
    row.save()
    record(
        AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        school_id=school.pk,
        subject=module,
        data={"enabled": enabled, "was_enabled": before[0], "show_on_dashboard": row.show_on_dashboard},
    )
    return row


def _switch_module(school: School, module: str, *, enabled: bool) -> None:
    row, _created = PortalModule.objects.select_for_update().get_or_create(school=school, module=module)
    if row.enabled != enabled:
        row.enabled = enabled
        row.save(update_fields=["enabled", "updated_at"])


@transaction.atomic
def module_schedule_create(
    *,
    actor: Any,
    school: School,
    module: str,
    enabled: bool,
    starts_on: dt.date,
    ends_on: dt.date | None,
    now: dt.datetime | None = None,
) -> ModuleSchedule:
    _require_admin(actor, school)
    today = school_today(school, now or timezone.now())
    errors: dict[str, str] = {}
    if module not in Module.values:
        errors["module"] = _("Unknown module.")
    if starts_on < today:
        errors["starts_on"] = _("The start date lies in the past.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end date lies before the start date.")
    if errors:
        raise ValidationError(errors)
    schedule = ModuleSchedule.objects.create(
        school=school,
        module=module,
        enabled=enabled,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.pk,
    )
    record(
        AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        school_id=school.pk,
        subject=module,
        data={
            "action": "switch_planned",
            "enabled": enabled,
            "from": starts_on.isoformat(),
            "until": ends_on.isoformat() if ends_on else None,
        },
    )
    return schedule


@transaction.atomic
def module_schedule_delete(*, actor: Any, schedule: ModuleSchedule) -> None:
    """Removes a plan; a switch it already made stays as it is."""
    _require_admin(actor, schedule.school)
    record(
        AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        school_id=schedule.school_id,
        subject=schedule.module,
        data={"action": "plan_removed", "from": schedule.starts_on.isoformat()},
    )
    schedule.delete()


def module_schedules_apply(*, now: dt.datetime) -> int:
    """Applies every planned switch that is due at `now` in its school's time zone (POR-4).

    At the start of `starts_on` the module goes on (or off); after `ends_on` it goes back. Runs
    catch up: a scheduler that was down applies the switches when it returns, and a window that
    passed entirely while it was down changes nothing. Returns the number of switches made.
    """
    switched = 0
    pending = (
        ModuleSchedule.objects.filter(
            Q(start_applied_at__isnull=True) | Q(ends_on__isnull=False, end_applied_at__isnull=True)
        )
        .select_related("school")
        .order_by("starts_on", "pk")
    )
    for schedule in pending:
        today = school_today(schedule.school, now)
        if today < schedule.starts_on:
            continue
        with transaction.atomic():
            locked = ModuleSchedule.objects.select_for_update().get(pk=schedule.pk)
            window_over = locked.ends_on is not None and today > locked.ends_on
            if locked.start_applied_at is None:
                if not window_over:
                    _switch_module(schedule.school, locked.module, enabled=locked.enabled)
                    switched += 1
                    locked.start_applied_at = now
                else:
                    locked.start_applied_at = locked.end_applied_at = now
            elif window_over and locked.end_applied_at is None:
                _switch_module(schedule.school, locked.module, enabled=not locked.enabled)
                switched += 1
                locked.end_applied_at = now
            locked.save(update_fields=["start_applied_at", "end_applied_at"])
            logger.info("portal module %s of school %s switched by plan %s", locked.module, locked.school_id, locked.pk)
    return switched


@transaction.atomic
def guardian_preference_update(*, actor: Any, link_communication_app: bool) -> GuardianPortalPreference:
    """A guardian changes his own choice; nobody else can (not even an administrator)."""
    if not getattr(actor, "is_guardian", False) or not actor.is_active:
        raise PermissionDenied
    preference, _created = GuardianPortalPreference.objects.get_or_create(account=actor)
    preference.link_communication_app = link_communication_app
    preference.save()
    return preference
