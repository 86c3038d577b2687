"""The school's rules for conversations (SPEC CHAT-2): who may start what, post, pause, change settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.models import Space
from schoolbrug.messaging.selectors import member_accounts_of, spaces_visible_to
from schoolbrug.sis.models import GroupStaff
from schoolbrug.sis.policies import communication_admin_of, staff_member_of

from .models import Conversation, GroupChatSettings, SchoolChatSettings


def settings_of(space: Space) -> GroupChatSettings:
    """The space's settings; the defaults (unsaved) when nobody changed them yet."""
    found = GroupChatSettings.objects.filter(space=space).first()
    return found or GroupChatSettings(space=space)


def school_settings_of(school_id: int) -> SchoolChatSettings:
    found = SchoolChatSettings.objects.filter(school_id=school_id).first()
    return found or SchoolChatSettings(school_id=school_id)


def group_spaces_for(user: Account) -> QuerySet[Space]:
    """The group spaces in which the person may start conversations (current school year)."""
    return (
        spaces_visible_to(user)
        .filter(kind=Space.Kind.GROUP, group__year__is_current=True)
        .select_related("group")
        .order_by("group__name", "pk")
    )


def teaches(user: Account, space: Space) -> bool:
    staff = staff_member_of(user)
    return (
        staff is not None
        and space.group_id is not None
        and GroupStaff.objects.filter(staff_member=staff, group_id=space.group_id, is_teacher=True).exists()
    )


def may_change_group_settings(user: Account, space: Space) -> bool:
    """The group's own teacher or the school's communication administrator."""
    if space.kind != Space.Kind.GROUP:
        return False
    return communication_admin_of(user, space.school_id) is not None or teaches(user, space)


@dataclass(frozen=True)
class StartOptions:
    """What the person may start in a group space."""

    teachers: bool  # address "the teachers of the group"
    people: QuerySet[Account]  # whom he may pick by name
    several: bool  # may he pick more than one (a group conversation)


def start_options(user: Account, space: Space) -> StartOptions:
    members = member_accounts_of([space]).exclude(pk=user.pk).order_by("kind", "first_name", "last_name", "pk")
    if user.is_staff_member:
        return StartOptions(teachers=True, people=members, several=True)
    rules = settings_of(space)
    contact_parent = rules.pk is not None and rules.contact_parents.filter(pk=user.pk).exists()
    guardians = members.filter(kind=Account.Kind.GUARDIAN)
    may_reach_guardians = rules.guardians_may_start_with_each_other or contact_parent
    return StartOptions(
        teachers=rules.guardians_may_start_with_teacher,
        people=guardians if may_reach_guardians else Account.objects.none(),
        several=contact_parent,
    )


def may_pause(user: Account, conversation: Conversation) -> bool:
    """Staff who see the conversation, or the communication administrator of its school."""
    return user.is_staff_member and (
        staff_member_of(user) is not None or communication_admin_of(user, conversation.school_id) is not None
    )


def may_post(user: Account, conversation: Conversation) -> bool:
    return not conversation.replies_paused or user.is_staff_member


def may_leave(conversation: Conversation) -> bool:
    return conversation.kind == Conversation.Kind.GROUP


def may_share_photos(user: Account, conversation: Conversation) -> bool:
    if user.is_staff_member or conversation.kind != Conversation.Kind.GROUP or conversation.space is None:
        return True
    return settings_of(conversation.space).guardians_may_share_photos
