"""Writes for support plans (REC-3) and the pupil-file settings of a school."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from schoolbrug.accounts import audit
from schoolbrug.records.events import announce
from schoolbrug.sis.models import Pupil
from schoolbrug.sis.policies import pupils_visible_to, staff_member_of

from ..models import RecordsSettings, SupportPlan
from .common import require_application_admin

PLAN_FIELDS = ("title", "problem_statement", "goals", "approach", "execution", "evaluation", "start_date", "end_date")


@transaction.atomic
def support_plan_save(
    *, actor: Any, pupil: Pupil, plan: SupportPlan | None = None, data: dict[str, Any]
) -> SupportPlan:
    staff = staff_member_of(actor)
    if staff is None or not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    if plan is None:
        plan = SupportPlan(pupil=pupil, author=actor, author_name=staff.full_name)
    elif plan.pupil_id != pupil.pk:
        raise PermissionDenied
    for field in PLAN_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    plan.full_clean()
    new = plan.pk is None
    plan.save()
    if new:
        announce(module="plans", items=[(pupil, plan)], actor=actor)
    return plan


@transaction.atomic
def records_settings_update(*, actor: Any, data: dict[str, Any], request: HttpRequest | None = None) -> RecordsSettings:
    staff = require_application_admin(actor)
    settings, _created = RecordsSettings.objects.select_for_update().get_or_create(school=staff.school)
    before = {"problem_statement_label": settings.problem_statement_label}
    settings.problem_statement_label = data.get("problem_statement_label", "").strip()
    settings.full_clean()
    settings.save()
    audit.record(
        audit.AuditEvent.Kind.SETTING_CHANGED,
        actor=actor,
        request=request,
        school_id=staff.school_id,
        subject="pupil file settings",
        data={"before": before, "after": {"problem_statement_label": settings.problem_statement_label}},
    )
    return settings
