"""Who sees which conversation: the one source of truth for views, the WebSocket consumer and files.

- a guardian sees the conversations he takes part in (and has not left), of a school where he
  still reaches a child in the app; a family conversation only while he reaches that child;
- a staff member sees the conversations of his own school he takes part in, and those addressed to
  the teachers of a group he teaches now ("the teachers of group 5", resolved when asked);
- nobody sees another school's conversations; inactive accounts see nothing.
Missing and "not yours" are both a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.selectors import not_available_until
from schoolbrug.sis.models import GroupStaff
from schoolbrug.sis.policies import guardianships_reaching_app, staff_member_of

from .models import Attachment, Conversation, Message, Participant

Actor = Account | AnonymousUser
PAGE_SIZE = 30


def conversations_visible_to(user: Actor) -> QuerySet[Conversation]:
    if not user.is_authenticated or not user.is_active:
        return Conversation.objects.none()
    member_of = Participant.objects.filter(
        account_id=user.pk, role=Participant.Role.MEMBER, left_at__isnull=True
    ).values("conversation_id")
    if getattr(user, "is_guardian", False):
        reach = guardianships_reaching_app().filter(guardian__account_id=user.pk)
        return Conversation.objects.filter(
            Q(pk__in=member_of),
            Q(school_id__in=reach.values("pupil__school_id")),
            Q(pupil__isnull=True) | Q(pupil_id__in=reach.values("pupil_id")),
            Q(space__isnull=True) | Q(space__is_enabled=True),
        )
    staff = staff_member_of(user)
    if staff is None:
        return Conversation.objects.none()
    teaching = GroupStaff.objects.filter(staff_member=staff, is_teacher=True).values("group_id")
    return Conversation.objects.filter(school_id=staff.school_id).filter(
        Q(pk__in=member_of) | Q(teachers_of_id__in=teaching)
    )


def get_conversation_for_user_or_404(user: Actor, conversation_id: int) -> Conversation:
    return get_object_or_404(
        conversations_visible_to(user).select_related("space__group", "teachers_of", "pupil"), pk=conversation_id
    )


def can_see(user: Actor, conversation_id: int) -> bool:
    return conversations_visible_to(user).filter(pk=conversation_id).exists()


def group_teacher_accounts(conversation: Conversation) -> QuerySet[Account]:
    """The active accounts of the teachers of `conversation.teachers_of` right now."""
    if conversation.teachers_of_id is None:
        return Account.objects.none()
    return Account.objects.filter(
        is_active=True,
        staff_member__is_active=True,
        staff_member__group_links__group_id=conversation.teachers_of_id,
        staff_member__group_links__is_teacher=True,
    )


def recipient_ids(conversation: Conversation) -> set[int]:
    """Everyone a message in the conversation reaches (the sender included), resolved now."""
    members = set(
        Participant.objects.filter(
            conversation=conversation, role=Participant.Role.MEMBER, left_at__isnull=True, account__is_active=True
        ).values_list("account_id", flat=True)
    )
    return members | set(group_teacher_accounts(conversation).values_list("pk", flat=True))


def public_name(account: Account) -> str:
    """How people are named to each other: by name only, never by e-mail address or phone number."""
    if account.get_full_name():
        return account.get_full_name()
    return str(_("a guardian") if account.is_guardian else _("a staff member"))


def conversation_list(user: Account) -> list[Conversation]:
    """The person's conversations, newest activity first, each with its last message and unread
    count: a fixed number of queries however many conversations and messages."""
    last = Message.objects.filter(conversation_id=OuterRef("pk")).order_by("-id")
    unread = (
        Message.objects.filter(conversation_id=OuterRef("pk"))
        .exclude(sender_id=user.pk)
        .filter(
            id__gt=Coalesce(
                Subquery(
                    Participant.objects.filter(conversation_id=OuterRef("conversation_id"), account_id=user.pk).values(
                        "read_up_to"
                    )[:1]
                ),
                Value(0),
            )
        )
        .order_by()
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        conversations_visible_to(user)
        .select_related("teachers_of", "pupil")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(role=Participant.Role.MEMBER, left_at__isnull=True)
                .select_related("account")
                .order_by("pk"),
                to_attr="members",
            )
        )
        .annotate(
            last_body=Subquery(last.values("body")[:1]),
            last_sender=Subquery(last.values("sender__first_name")[:1]),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .order_by(Coalesce("last_message_at", "created_at").desc(), "-pk")
    )


def display_title(conversation: Conversation, viewer: Account, members: list[Participant]) -> str:
    """The subject, or the other people by name (never an e-mail address or a phone number)."""
    if conversation.title:
        return conversation.title
    names = [public_name(p.account) for p in members if p.account_id != viewer.pk]
    if conversation.teachers_of is not None:
        names.insert(0, _("teachers of %(group)s") % {"group": conversation.teachers_of.name})
    return ", ".join(names)


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    older_than: int | None  # the id to page back from, None at the start of the conversation


def message_page(conversation: Conversation, before: int | None = None, after: int | None = None) -> MessagePage:
    """A page of messages, oldest first: the latest ones, those `before` an id (paging back), or
    all `after` an id (the refresh when the socket is down)."""
    messages = (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.select_related("file")))
    )
    if after is not None:
        rows = list(messages.filter(id__gt=after).order_by("id")[: PAGE_SIZE * 4])
        return MessagePage(rows, None)
    if before is not None:
        messages = messages.filter(id__lt=before)
    rows = list(messages.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE][::-1]
    return MessagePage(rows, rows[0].pk if more and rows else None)


def readers(conversation: Conversation) -> list[Participant]:
    """Everyone who has read something, with his watermark: "read by" per message follows from it."""
    return list(
        Participant.objects.filter(conversation=conversation, read_up_to__gt=0).select_related("account").order_by("pk")
    )


def members_of(conversation: Conversation) -> list[Participant]:
    return list(
        Participant.objects.filter(conversation=conversation, role=Participant.Role.MEMBER, left_at__isnull=True)
        .select_related("account")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Unavailable:
    name: str
    until: datetime


def unavailable_staff(conversation: Conversation, viewer: Account, members: list[Participant]) -> list[Unavailable]:
    """The staff in the conversation who are outside their contact hours now (CHAT-4, NOT-2)."""
    staff = [p.account for p in members if p.account.is_staff_member and p.account_id != viewer.pk]
    seen = {a.pk for a in staff}
    staff += [a for a in group_teacher_accounts(conversation) if a.pk not in seen and a.pk != viewer.pk]
    result = []
    for account in staff:
        until = not_available_until(account)
        if until is not None:
            result.append(Unavailable(public_name(account), until))
    return result


def get_attachment_or_404(conversation: Conversation, file_id: int) -> Attachment:
    """A file of a conversation the caller already got through `get_conversation_for_user_or_404`."""
    return get_object_or_404(
        Attachment.objects.select_related("file"), message__conversation=conversation, file_id=file_id
    )
