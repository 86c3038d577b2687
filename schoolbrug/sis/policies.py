"""Who may see and change what in the school records. Plain functions, one query each.

Reach rules (SPEC "Roles"):
- a guardian reaches the enrolled pupils for whom he holds the portal access right;
- a staff member reaches his own school; with group authorisation on (the default for
  teachers) only the pupils placed in his linked groups of the current school year;
- application administrators reach their whole school;
- nobody reaches another school. "Missing" and "not yours" both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Group, Guardian, Guardianship, Pupil, StaffMember


def staff_member_of(user: Any) -> StaffMember | None:
    """The active staff record behind a staff account, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_member", False):
        return None
    if not hasattr(user, "_schoolbrug_staff_member"):
        user._schoolbrug_staff_member = (
            StaffMember.objects.select_related("school", "school__board").filter(account=user, is_active=True).first()
        )
    return user._schoolbrug_staff_member  # type: ignore[no-any-return]


def require_staff_member(user: Any) -> StaffMember:
    staff = staff_member_of(user)
    if staff is None:
        raise Http404
    return staff


def application_admin_of(user: Any, school_id: int | None = None) -> StaffMember | None:
    """The staff record of an application administrator, or None: the one rule for "who
    configures this school". With `school_id`, only when that school is his own."""
    staff = staff_member_of(user)
    if staff is None or not staff.is_application_admin:
        return None
    if school_id is not None and staff.school_id != school_id:
        return None
    return staff


def is_application_admin(user: Any, school_id: int | None = None) -> bool:
    return application_admin_of(user, school_id) is not None


def require_application_admin(user: Any, school_id: int | None = None) -> StaffMember:
    """For pages: anyone but an administrator (of `school_id`, when given) gets 404. Services
    refuse with PermissionDenied instead, through `application_admin_of`."""
    staff = application_admin_of(user, school_id)
    if staff is None:
        raise Http404
    return staff


def communication_admin_of(user: Any, school_id: int | None = None) -> StaffMember | None:
    """The staff record of a communication administrator (an application administrator counts as
    one too), or None: who sets how the school reaches people, e.g. its default contact hours."""
    staff = staff_member_of(user)
    if staff is None or not (staff.is_communication_admin or staff.is_application_admin):
        return None
    if school_id is not None and staff.school_id != school_id:
        return None
    return staff


def require_communication_admin(user: Any) -> StaffMember:
    """For pages: anyone but a communication or application administrator gets 404."""
    staff = communication_admin_of(user)
    if staff is None:
        raise Http404
    return staff


def holds_administrator_role(staff: StaffMember) -> bool:
    """Whether this staff record carries the application administrator role, active or not.
    For the set-up pages that keep a school's last administrator and tell a new administrator
    about two-factor authentication; who may act as administrator is `application_admin_of`."""
    return staff.is_application_admin


def active_administrators(school_id: int) -> QuerySet[StaffMember]:
    """The school's active application administrators (at least one must remain)."""
    return StaffMember.objects.filter(school_id=school_id, is_application_admin=True, is_active=True)


def staff_pupils_visible_to(user: Any) -> QuerySet[Pupil]:
    """`pupils_visible_to` for staff pages: guardians reach pupils too, never through these."""
    if staff_member_of(user) is None:
        raise Http404
    return pupils_visible_to(user)


def is_narrowed_by_group_authorisation(staff: StaffMember) -> bool:
    return staff.group_authorisation and not staff.is_application_admin


def pupils_visible_to(user: Any) -> QuerySet[Pupil]:
    if getattr(user, "is_guardian", False) and user.is_active:
        return Pupil.objects.filter(
            status=Pupil.Status.ENROLLED,
            pk__in=Guardianship.objects.filter(guardian__account=user, portal_access=True).values("pupil_id"),
        )
    staff = staff_member_of(user)
    if staff is None:
        return Pupil.objects.none()
    pupils = Pupil.objects.filter(school_id=staff.school_id)
    if is_narrowed_by_group_authorisation(staff):
        pupils = pupils.filter(
            pk__in=Group.objects.filter(year__is_current=True, staff_links__staff_member=staff).values(
                "placements__pupil_id"
            )
        )
    return pupils


def groups_visible_to(user: Any) -> QuerySet[Group]:
    """Groups whose pupil list the user may open."""
    staff = staff_member_of(user)
    if staff is None:
        return Group.objects.none()
    groups = Group.objects.filter(school_id=staff.school_id)
    if is_narrowed_by_group_authorisation(staff):
        groups = groups.filter(staff_links__staff_member=staff)
    return groups


def guardianships_reaching_app() -> QuerySet[Guardianship]:
    """Guardianships that make their guardian reachable in the app (a member of his child's
    spaces): the portal access right, the app invitation flag and an enrolled child. The one rule
    for messaging membership, group invitations and the "reachable in app" filter."""
    return Guardianship.objects.filter(portal_access=True, app_invitation=True, pupil__status=Pupil.Status.ENROLLED)


def guardians_visible_to(user: Any) -> QuerySet[Guardian]:
    """A guardian sees only his own records, never a co-guardian's; staff see their school's."""
    if getattr(user, "is_guardian", False):
        return Guardian.objects.filter(account=user)
    staff = staff_member_of(user)
    if staff is None:
        return Guardian.objects.none()
    if is_narrowed_by_group_authorisation(staff):
        return Guardian.objects.filter(
            school_id=staff.school_id, guardianships__pupil__in=pupils_visible_to(user)
        ).distinct()
    return Guardian.objects.filter(school_id=staff.school_id)


def can_edit_family(user: Any, pupil: Pupil) -> bool:
    return is_application_admin(user, pupil.school_id)


def can_edit_pupil(user: Any, pupil: Pupil) -> bool:
    return can_edit_family(user, pupil)


def get_pupil_for_user_or_404(user: Any, pupil_id: int) -> Pupil:
    return get_object_or_404(pupils_visible_to(user).select_related("school"), pk=pupil_id)


def get_group_for_user_or_404(user: Any, group_id: int) -> Group:
    return get_object_or_404(groups_visible_to(user).select_related("year", "school"), pk=group_id)


def groups_invitable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Group]:
    """Groups whose guardians the user may invite to the app and send the instruction letter
    (MSG-8, ACC-2): this school year's groups he teaches (a GroupStaff link marked teacher; a
    colleague who only follows the group does not count), or all of them for a communication or
    application administrator of the school."""
    staff = staff_member_of(user)
    if staff is None:
        return Group.objects.none()
    groups = Group.objects.filter(school_id=staff.school_id, year__is_current=True)
    if communication_admin_of(user) is None:
        groups = groups.filter(staff_links__staff_member=staff, staff_links__is_teacher=True)
    return groups


def may_invite_group(user: AbstractBaseUser | AnonymousUser, group: Group) -> bool:
    return groups_invitable_by(user).filter(pk=group.pk).exists()


def get_group_for_inviter_or_404(user: AbstractBaseUser | AnonymousUser, group_id: int) -> Group:
    """A group whose guardians the user may invite; 404 for missing and "not yours" alike."""
    group = get_group_for_user_or_404(user, group_id)
    if not may_invite_group(user, group):
        raise Http404
    return group


def get_guardianship_for_editor_or_404(user: Any, pupil_id: int, guardianship_id: int) -> Guardianship:
    pupil = get_pupil_for_user_or_404(user, pupil_id)
    if not can_edit_family(user, pupil):
        raise Http404
    return get_object_or_404(Guardianship.objects.select_related("guardian", "pupil"), pk=guardianship_id, pupil=pupil)


def get_pupil_for_editor_or_404(user: Any, pupil_id: int) -> Pupil:
    """A pupil whose records the user may change (his school's application administrator):
    everyone else gets 404, teachers who see the pupil included; they keep the pupil page."""
    pupil = get_pupil_for_user_or_404(user, pupil_id)
    if not can_edit_pupil(user, pupil):
        raise Http404
    return pupil
