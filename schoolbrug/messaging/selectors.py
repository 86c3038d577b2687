"""Who belongs to which space: the one source of truth for messaging.

Membership is derived from the records each time, never stored:
- a guardian belongs to the space of every group (of any school year) in which one of his
  enrolled children is placed, for whom he holds the portal access right and the app invitation
  flag, and to the school-wide space of those children's schools;
- an active staff member sees every enabled space of his own school (SPEC MSG-2: he may read and
  post in a group he does not follow);
- nobody reaches another school's spaces; a space that is switched off is reached by no one.

`spaces_visible_to` decides what a person may open; `member_accounts_of` decides who is reached
(notified, counted in "seen by N of M") when something is posted. Both read the same rule.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import Placement, StaffMember
from schoolbrug.sis.policies import guardianships_reaching_app, staff_member_of

from .models import Space

Actor = Account | AnonymousUser


def spaces_visible_to(user: Actor) -> QuerySet[Space]:
    """The enabled spaces this person may open, read and (for staff) post in."""
    if not user.is_authenticated or not user.is_active:
        return Space.objects.none()
    if getattr(user, "is_guardian", False):
        reach = guardianships_reaching_app().filter(guardian__account=user)
        return Space.objects.filter(is_enabled=True).filter(
            Q(
                kind=Space.Kind.GROUP,
                group_id__in=Placement.objects.filter(pupil_id__in=reach.values("pupil_id")).values("group_id"),
            )
            | Q(kind=Space.Kind.SCHOOL, school_id__in=reach.values("pupil__school_id"))
        )
    staff = staff_member_of(user)
    if staff is None:
        return Space.objects.none()
    return Space.objects.filter(school_id=staff.school_id, is_enabled=True)


def get_space_for_user_or_404(user: Actor, space_id: int) -> Space:
    return get_object_or_404(spaces_visible_to(user).select_related("group__year", "school"), pk=space_id)


def member_accounts_of(spaces: QuerySet[Space] | list[Space]) -> QuerySet[Account]:
    """The active accounts a post in these spaces reaches, each once.

    Guardians by the membership rule above; staff: everyone of the school for the school-wide and
    colleagues spaces, the group's own staff for a group space (others follow groups by choice;
    `following` adds them)."""
    space_ids = (
        [space.pk for space in spaces] if isinstance(spaces, list) else list(spaces.values_list("pk", flat=True))
    )
    enabled = Space.objects.filter(pk__in=space_ids, is_enabled=True)
    group_ids = enabled.filter(kind=Space.Kind.GROUP).values("group_id")
    school_wide = enabled.filter(kind=Space.Kind.SCHOOL).values("school_id")
    staff_wide = enabled.filter(kind__in=[Space.Kind.SCHOOL, Space.Kind.COLLEAGUES]).values("school_id")
    guardian_pupils = Placement.objects.filter(group_id__in=group_ids).values("pupil_id")
    reach = guardianships_reaching_app()
    guardians = Q(
        kind=Account.Kind.GUARDIAN,
        guardian_records__guardianships__in=reach.filter(
            Q(pupil_id__in=guardian_pupils) | Q(pupil__school_id__in=school_wide)
        ),
    )
    active_staff = StaffMember.objects.filter(is_active=True)
    staff = Q(
        kind=Account.Kind.STAFF,
        staff_member__in=active_staff.filter(Q(school_id__in=staff_wide) | Q(group_links__group_id__in=group_ids)),
    )
    return Account.objects.filter(is_active=True).filter(pk__in=Account.objects.filter(guardians | staff).values("pk"))


def is_member(user: Actor, space: Space) -> bool:
    return spaces_visible_to(user).filter(pk=space.pk).exists()
