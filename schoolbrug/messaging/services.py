"""Spaces follow the records: made for every school and group, never by hand."""

from __future__ import annotations

from schoolbrug.sis.models import Group, School

from .models import Space


def ensure_spaces(school: School) -> None:
    """Create the school's missing spaces in a fixed number of queries (also after bulk imports,
    which send no signals: sync, rollover)."""
    existing_kinds = set(
        Space.objects.filter(school=school).exclude(kind=Space.Kind.GROUP).values_list("kind", flat=True)
    )
    new = [
        Space(school=school, kind=kind)
        for kind in (Space.Kind.SCHOOL, Space.Kind.COLLEAGUES)
        if kind not in existing_kinds
    ]
    new += [
        Space(school=school, kind=Space.Kind.GROUP, group_id=group_id)
        for group_id in Group.objects.filter(school=school, space__isnull=True).values_list("pk", flat=True)
    ]
    if new:
        Space.objects.bulk_create(new, ignore_conflicts=True)


def ensure_group_space(group: Group) -> None:
    Space.objects.get_or_create(group=group, defaults={"school_id": group.school_id, "kind": Space.Kind.GROUP})
