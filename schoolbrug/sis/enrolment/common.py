"""What the enrolment pages share: the years a pupil can be placed in, and the audit record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from schoolbrug.accounts import audit

from .. import policies
from ..models import Group, Pupil, School, SchoolYear


def placement_years(school: School) -> list[SchoolYear]:
    """The current school year and the one after it, the only years a pupil is placed in by hand:
    earlier years are history (the rollover and the sync keep them), later ones do not exist yet."""
    current = school.years.filter(is_current=True).first()
    if current is None:
        return []
    following = school.years.filter(start_date__gt=current.start_date).order_by("start_date").first()
    return [current, following] if following is not None else [current]


def placement_groups(school: School) -> QuerySet[Group]:
    years = placement_years(school)
    return (
        Group.objects.filter(school=school, year__in=years).select_related("year").order_by("-year__start_date", "name")
    )


def require_editor(actor: Any, pupil: Pupil) -> None:
    """Services refuse anyone the pages would have answered 404."""
    if not policies.can_edit_pupil(actor, pupil):
        raise PermissionDenied


def record_change(*, actor: Any, pupil: Pupil, data: dict[str, Any], subject: str = "") -> None:
    """One audit event per change, as the family edit writes them: ids, field names and the
    few values that decide who sees a child, never contact or medical text."""
    audit.record(
        audit.AuditEvent.Kind.RECORD_CHANGED,
        actor=actor,
        school_id=pupil.school_id,
        subject=subject or pupil.full_name,
        data={"pupil_id": pupil.pk, **data},
    )


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, also when it is empty: `request.POST or None` would show an empty
    submission as a fresh form, without saying what is missing."""
    return request.POST if request.method == "POST" else None
