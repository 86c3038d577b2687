"""Reads for guardian pages that come from the school records. Each page gets everything it
shows in a fixed number of queries; the callers have already checked reach."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import (
    EmergencyContact,
    Group,
    GroupStaff,
    Guardian,
    Guardianship,
    MedicalInfo,
    Placement,
    Pupil,
    School,
    StaffMember,
)
from schoolbrug.sis.selectors import emergency_contacts_visible_to


def schools_for_page(school_ids: Iterable[int]) -> list[School]:
    return list(
        School.objects.filter(pk__in=list(school_ids))
        .select_related("board")
        .prefetch_related("branches")
        .order_by("name")
    )


def staff_for_portal(school: School) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(school=school, is_active=True).order_by("last_name", "first_name")


@dataclass
class About:
    pupil: Pupil
    placements: list[Placement]
    emergency_contacts: list[EmergencyContact]
    medical: MedicalInfo | None
    own_guardianships: list[Guardianship]


def child_about(child: Pupil, *, account: Account) -> About:
    """Personalia, school career, emergency numbers, medical data and the viewer's own
    relation to the child. Co-guardians are left out on purpose: divorced parents never see
    each other's data."""
    pupil = (
        Pupil.objects.select_related("school")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("group", "year")
                .prefetch_related("group__year_levels")
                .order_by("-year__start_date"),
            ),
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.filter(guardian__account=account).select_related("guardian"),
                to_attr="own_guardianships",
            ),
        )
        .get(pk=child.pk)
    )
    medical = MedicalInfo.objects.filter(pupil=pupil).first()
    return About(
        pupil=pupil,
        placements=list(pupil.placements.all()),
        emergency_contacts=emergency_contacts_visible_to(account, [pupil]),
        medical=medical,
        own_guardianships=pupil.own_guardianships,  # type: ignore[attr-defined]
    )


def correctable_guardian_ids(guardian_records: Sequence[Guardian], children: Sequence[Pupil]) -> set[int]:
    """The guardian's own records he may propose corrections to: those linked to a child he
    reaches (without access right there is no portal data of his to correct). The account page
    shows pencils on exactly these, and the correction form opens only these. One query."""
    if not guardian_records or not children:
        return set()
    return set(
        Guardianship.objects.filter(
            guardian_id__in=[g.pk for g in guardian_records], pupil_id__in=[c.pk for c in children]
        ).values_list("guardian_id", flat=True)
    )


def current_group_of(child: Pupil) -> Group | None:
    placement = next(iter(getattr(child, "current_placements", [])), None)
    if placement is None:
        return None
    return (
        Group.objects.select_related("year")
        .prefetch_related(
            "year_levels",
            "timetable",
            Prefetch(
                "staff_links",
                queryset=GroupStaff.objects.filter(staff_member__is_active=True)
                .select_related("staff_member")
                .order_by("-is_teacher", "staff_member__last_name"),
                to_attr="portal_staff_links",
            ),
        )
        .get(pk=placement.group_id)
    )


def classmates(group: Group) -> list[Pupil]:
    """Enrolled pupils of the group; only names and, where the school allows it, addresses."""
    return list(
        Pupil.objects.filter(placements__group=group, status=Pupil.Status.ENROLLED)
        .only(
            "first_name",
            "called_name",
            "prefix",
            "last_name",
            "street",
            "house_number",
            "house_number_suffix",
            "postcode",
            "city",
            "address_secret",
        )
        .order_by("first_name", "last_name")
    )
