"""Reads for guardian pages that come from the school records. Each page gets everything it
shows in a fixed number of queries; the callers have already checked reach."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

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


def child_about(child: Pupil, *, account: Any) -> About:
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
            "emergency_contacts",
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.filter(guardian__account=account).select_related("guardian"),
                to_attr="own_guardianships",
            ),
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.exclude(guardian__account=account).select_related("guardian"),
                to_attr="other_guardianships",
            ),
        )
        .get(pk=child.pk)
    )
    medical = MedicalInfo.objects.filter(pupil=pupil).first()
    return About(
        pupil=pupil,
        placements=list(pupil.placements.all()),
        emergency_contacts=emergency_contacts_for_guardian(
            list(pupil.emergency_contacts.all()),
            own=[g.guardian for g in pupil.own_guardianships],  # type: ignore[attr-defined]
            others=[g.guardian for g in pupil.other_guardianships],  # type: ignore[attr-defined]
        ),
        medical=medical,
        own_guardianships=pupil.own_guardianships,  # type: ignore[attr-defined]
    )


def _phone_key(number: str) -> str:
    # The last nine digits identify a Dutch number whether written 06-…, +31 6 … or 0031 6 ….
    return "".join(ch for ch in number if ch.isdigit())[-9:]


def emergency_contacts_for_guardian(
    contacts: list[EmergencyContact], *, own: list[Guardian], others: list[Guardian]
) -> list[EmergencyContact]:
    """Emergency numbers minus those that are another guardian's own number or name.

    Schools often list both parents as emergency contacts; a divorced guardian must not learn the
    other's phone number that way (SPEC: two guardians never see each other's personal data).
    """

    def phones(guardians: list[Guardian]) -> set[str]:
        return {_phone_key(p) for g in guardians for p in (g.phone_mobile, g.phone_home, g.phone_work) if p}

    private_phones = phones(others) - phones(own)
    private_names = {g.full_name.casefold() for g in others} - {g.full_name.casefold() for g in own}
    return [
        contact
        for contact in contacts
        if _phone_key(contact.phone) not in private_phones
        and not any(name in contact.name.casefold() for name in private_names)
    ]


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
