"""Reads of the school records, each deciding its own joins so pages keep a fixed query count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

from schoolbrug.accounts.models import Account

from . import policies
from .models import (
    EmergencyContact,
    Group,
    GroupStaff,
    Guardian,
    Guardianship,
    Placement,
    Pupil,
    School,
    SchoolYear,
    StaffMember,
)


def current_year(school: School) -> SchoolYear | None:
    return school.years.filter(is_current=True).first()


def years_of_school(school: School) -> QuerySet[SchoolYear]:
    return school.years.all().order_by("-start_date")


def groups_for_overview(*, user: Any, year: SchoolYear) -> QuerySet[Group]:
    """The groups of one year the user may open, with levels, teachers and pupil counts."""
    return (
        policies.groups_visible_to(user)
        .filter(year=year)
        .annotate(pupil_count=Count("placements", distinct=True))
        .prefetch_related(
            "year_levels",
            Prefetch(
                "staff_links",
                queryset=GroupStaff.objects.filter(is_teacher=True).select_related("staff_member"),
                to_attr="teacher_links",
            ),
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class GroupRow:
    pupil: Pupil
    reachable: bool


def group_pupils(*, user: Any, group: Group) -> list[GroupRow]:
    """A group's pupils; those outside the user's reach are listed without a link."""
    pupils = list(
        Pupil.objects.filter(placements__group=group)
        .annotate(
            reachable=ExpressionWrapper(
                Q(pk__in=policies.pupils_visible_to(user).values("pk")), output_field=BooleanField()
            ),
        )
        .order_by("last_name", "first_name")
    )
    return [GroupRow(pupil=p, reachable=bool(p.reachable)) for p in pupils]  # type: ignore[attr-defined]


def group_with_details(group: Group) -> Group:
    """Loads levels, teachers and timetable onto an already permitted group."""
    return (
        Group.objects.select_related("year", "school")
        .prefetch_related(
            "year_levels",
            "timetable",
            Prefetch(
                "staff_links",
                queryset=GroupStaff.objects.select_related("staff_member").order_by("-is_teacher"),
                to_attr="all_staff_links",
            ),
        )
        .get(pk=group.pk)
    )


def pupil_file(pupil: Pupil) -> Pupil:
    """Loads everything the staff pupil page shows onto an already permitted pupil."""
    return (
        Pupil.objects.select_related("school", "medical")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("group", "year").order_by("-year__start_date"),
            ),
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.select_related("guardian", "guardian__account"),
            ),
            "emergency_contacts",
        )
        .get(pk=pupil.pk)
    )


def siblings_of(pupil: Pupil) -> QuerySet[Pupil]:
    """Pupils sharing at least one guardian with this pupil (one query)."""
    guardian_ids = Guardianship.objects.filter(pupil=pupil).values("guardian_id")
    return (
        Pupil.objects.filter(school_id=pupil.school_id, guardianships__guardian_id__in=guardian_ids)
        .exclude(pk=pupil.pk)
        .distinct()
        .order_by("birth_date", "first_name", "pk")
    )


def families_of_school(school: School) -> list[set[int]]:
    """Families as sets of pupil ids: pupils connected through shared guardians.

    A family is derived, not stored, so it follows every change of guardianship at once. Step-
    families join through the parent they share (one query, union-find in memory).
    """
    return families_of_pairs(Guardianship.objects.filter(pupil__school=school).values_list("guardian_id", "pupil_id"))


def families_of_pairs(pairs: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Families as sets of pupil ids from (guardian id, pupil id) pairs: the grouping of
    `families_of_school`, for any set of pupils (e.g. one group's, MSG-8)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_pupil_of_guardian: dict[int, int] = {}
    for guardian_id, pupil_id in pairs:
        find(pupil_id)
        other = first_pupil_of_guardian.setdefault(guardian_id, pupil_id)
        parent[find(pupil_id)] = find(other)
    families: dict[int, set[int]] = defaultdict(set)
    for pupil_id in list(parent):
        families[find(pupil_id)].add(pupil_id)
    return sorted(families.values(), key=min)


def children_of_guardian(user: Any) -> list[Pupil]:
    """The guardian's reachable children with their current group, for the portal top bar."""
    return list(
        policies.pupils_visible_to(user)
        .select_related("school")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(year__is_current=True).select_related("group"),
                to_attr="current_placements",
            )
        )
        .order_by("birth_date", "first_name", "pk")
    )


def guardian_records_of(user: Any) -> QuerySet[Guardian]:
    return policies.guardians_visible_to(user).select_related("school")


def school_overview(school: School) -> dict[str, Any]:
    year = current_year(school)
    counts = Pupil.objects.filter(school=school).aggregate(
        enrolled=Count("pk", filter=Q(status=Pupil.Status.ENROLLED)),
        not_yet=Count("pk", filter=Q(status=Pupil.Status.NOT_YET)),
        left=Count("pk", filter=Q(status=Pupil.Status.LEFT)),
    )
    return {
        "year": year,
        "counts": counts,
        "group_count": Group.objects.filter(year=year).count() if year else 0,
        "staff_count": StaffMember.objects.filter(school=school, is_active=True).count(),
        "branches": list(school.branches.all()),
    }


def _phone_key(number: str) -> str:
    # The last nine digits identify a Dutch number whether written 06-…, +31 6 … or 0031 6 ….
    return "".join(ch for ch in number if ch.isdigit())[-9:]


def _is_protected_co_guardian(guardianship: Guardianship) -> bool:
    """A co-guardian whose own contact data the viewer must not learn (SPEC "Roles": two
    guardians of a pupil never see each other's personal data): a parent with parental authority
    or anyone with the portal access right, i.e. whoever takes part in the child's school life as
    a guardian. A grandmother without either, listed by the family as emergency contact, is just
    that: an emergency number the school shows to the guardians."""
    return guardianship.has_custody or guardianship.portal_access


def emergency_contacts_visible_to(
    account: Account, pupils: Sequence[Pupil], *, pk: int | None = None
) -> list[EmergencyContact]:
    """The emergency numbers of `pupils` (children the caller already resolved through the
    account's reach) that this guardian may see, optionally only the one with id `pk`.

    The single source of truth for the About page and for the correction form: a number the page
    does not show cannot be opened or corrected by id either. Hidden is exactly what is another
    protected guardian's own number or name (schools often list both parents as emergency
    contacts; a divorced parent must not learn the other's number that way). Two queries.
    """
    contacts = EmergencyContact.objects.filter(pupil_id__in=[p.pk for p in pupils])
    if pk is not None:
        contacts = contacts.filter(pk=pk)
    found = list(contacts.order_by("pupil_id", "position", "pk"))
    if not found:
        return []
    own: dict[int, list[Guardian]] = defaultdict(list)
    protected: dict[int, list[Guardian]] = defaultdict(list)
    for guardianship in Guardianship.objects.filter(pupil_id__in={c.pupil_id for c in found}).select_related(
        "guardian"
    ):
        if guardianship.guardian.account_id is not None and guardianship.guardian.account_id == account.pk:
            own[guardianship.pupil_id].append(guardianship.guardian)
        elif _is_protected_co_guardian(guardianship):
            protected[guardianship.pupil_id].append(guardianship.guardian)

    def phones(guardians: list[Guardian]) -> set[str]:
        return {_phone_key(p) for g in guardians for p in (g.phone_mobile, g.phone_home, g.phone_work) if p}

    def names(guardians: list[Guardian]) -> set[str]:
        return {g.full_name.casefold() for g in guardians}

    visible = []
    for contact in found:
        mine, theirs = own[contact.pupil_id], protected[contact.pupil_id]
        # A number both share (the family's landline) is the viewer's own as well.
        private_phones = phones(theirs) - phones(mine)
        private_names = names(theirs) - names(mine)
        if _phone_key(contact.phone) in private_phones:
            continue
        if any(name in contact.name.casefold() for name in private_names):
            continue
        visible.append(contact)
    return visible
