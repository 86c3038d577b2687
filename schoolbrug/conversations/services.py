"""Writes of conversations. Callers pass objects they got through `selectors` (visibility checked);
these functions check the school's rules (`policies`) and refuse with a translated ValidationError."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.media.models import StoredFile
from schoolbrug.media.services import mark_attached, store_uploads
from schoolbrug.messaging.models import Space
from schoolbrug.notifications.models import NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify
from schoolbrug.sis.models import Guardianship, Placement, Pupil
from schoolbrug.sis.policies import guardianships_reaching_app

from . import policies, realtime
from .models import MESSAGE_MAX, TITLE_MAX, Attachment, Conversation, Message, Participant, SchoolChatSettings
from .selectors import public_name, recipient_ids


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."), code="empty")
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            _("A message can be at most %(max)d characters; this one has %(length)d.")
            % {"max": MESSAGE_MAX, "length": len(body)},
            code="too_long",
        )
    return body


def participant_row(user: Account, conversation: Conversation) -> Participant:
    """The person's own row (his reading); a teacher reached through "the teachers of the group"
    gets one the first time he reads or writes."""
    row, _created = Participant.objects.get_or_create(
        conversation=conversation, account=user, defaults={"role": Participant.Role.GROUP_TEACHER}
    )
    return row


def send_message(
    user: Account,
    conversation: Conversation,
    body: str,
    client_id: uuid.UUID,
    files: Sequence[IO[bytes]] = (),
) -> tuple[Message, bool]:
    """Store and deliver one message (text, photos, documents); a repeat with the same
    `client_id` returns the first one and stores nothing."""
    existing = Message.objects.filter(conversation=conversation, sender=user, client_id=client_id).first()
    if existing is not None:
        return existing, False
    if not policies.may_post(user, conversation):
        raise ValidationError(_("Replies are paused in this conversation."), code="paused")
    body = clean_body(body) if body.strip() or not files else body.strip()
    kinds: tuple[str, ...] = (StoredFile.Kind.IMAGE, StoredFile.Kind.DOCUMENT)
    if not policies.may_share_photos(user, conversation):
        kinds = (StoredFile.Kind.DOCUMENT,)
    try:
        with transaction.atomic():
            message = Message.objects.create(conversation=conversation, sender=user, client_id=client_id, body=body)
            if files:
                try:
                    stored = store_uploads(files, school=conversation.school, uploaded_by=user, allowed_kinds=kinds)
                except ValidationError as error:
                    if StoredFile.Kind.IMAGE not in kinds and any(e.code == "not_allowed" for e in error.error_list):
                        raise ValidationError(
                            _("Guardians cannot share photos in this group conversation."), code="photos_off"
                        ) from error
                    raise
                Attachment.objects.bulk_create(
                    Attachment(message=message, file=f, position=n) for n, f in enumerate(stored)
                )
                mark_attached(stored)
    except IntegrityError:
        # The same send arrived twice at once (two tabs, a retry racing its original).
        return Message.objects.get(conversation=conversation, sender=user, client_id=client_id), False
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
        Participant.objects.filter(pk=participant_row(user, conversation).pk).update(
            read_up_to=message.pk, read_at=message.created_at
        )
        everyone = recipient_ids(conversation) | {user.pk}
        others = Account.objects.filter(pk__in=everyone - {user.pk})
        notify(
            others,
            Event(
                kind=NotificationKind.CONVERSATION,
                title=(_("New message from %(name)s") % {"name": public_name(user)})[:120],
                text=body[:300] or _("Sent a photo or document."),
                link=reverse("conversations:detail", args=[conversation.pk]),
                space_key=f"conversation:{conversation.pk}",
                dedupe_key=f"conversation-message:{message.pk}",
                space=conversation.title[:100],
            ),
        )
        realtime.send_to(everyone, realtime.message_payload(message))
    return message, True


def mark_read(user: Account, conversation: Conversation, up_to: int | None = None) -> int:
    """Move the person's read mark to `up_to` (or the latest message); tells the others at once."""
    latest = Message.objects.filter(conversation=conversation).order_by("-id").values_list("id", flat=True).first()
    if latest is None:
        return 0
    target = latest if up_to is None else min(up_to, latest)
    row = participant_row(user, conversation)
    if target <= row.read_up_to:
        return row.read_up_to
    now = timezone.now()
    # Only forwards, also when two tabs report at once.
    Participant.objects.filter(pk=row.pk, read_up_to__lt=target).update(read_up_to=target, read_at=now)
    realtime.send_to(
        recipient_ids(conversation) | {user.pk},
        realtime.read_payload(conversation.pk, user.pk, public_name(user), target),
    )
    return target


def start_conversation(
    user: Account,
    space: Space,
    *,
    teachers: bool,
    people: list[Account],
    title: str,
    body: str,
    client_id: uuid.UUID,
) -> Conversation:
    options = policies.start_options(user, space)
    if not teachers and not people:
        raise ValidationError(_("Choose whom the conversation is with."), code="nobody")
    if teachers and not options.teachers:
        raise ValidationError(
            _("In this group, guardians cannot start a conversation with the teachers."), code="teachers_off"
        )
    allowed = set(options.people.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    if len(allowed) != len({p.pk for p in people}):
        raise ValidationError(
            _("In this group you cannot start a conversation with the person you chose."), code="person_off"
        )
    if len(people) > 1 and not options.several:
        raise ValidationError(
            _("Only contact parents can start a conversation with several guardians."), code="several_off"
        )
    body = clean_body(body)
    title = title.strip()[:TITLE_MAX]
    size = len(allowed) + (1 if teachers else 0)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            school_id=space.school_id,
            kind=Conversation.Kind.DIRECT if size == 1 else Conversation.Kind.GROUP,
            space=space,
            title=title,
            teachers_of=space.group if teachers else None,
            created_by=user,
        )
        Participant.objects.bulk_create(
            Participant(conversation=conversation, account_id=account_id) for account_id in sorted(allowed | {user.pk})
        )
        send_message(user, conversation, body, client_id)
    return conversation


def leave(user: Account, conversation: Conversation) -> None:
    if not policies.may_leave(conversation):
        raise ValidationError(_("You can only leave a group conversation."), code="not_group")
    Participant.objects.filter(
        conversation=conversation, account=user, role=Participant.Role.MEMBER, left_at__isnull=True
    ).update(left_at=timezone.now())


def set_paused(user: Account, conversation: Conversation, paused: bool) -> None:
    if not policies.may_pause(user, conversation):
        raise ValidationError(_("Only the school can pause replies."), code="not_staff")
    Conversation.objects.filter(pk=conversation.pk).update(replies_paused=paused)


def _household(guardianship: Guardianship) -> str:
    guardian = guardianship.guardian
    # Guardians at the same address are one household; without an address each is his own.
    parts = (guardian.street, guardian.house_number, guardian.house_number_suffix, guardian.postcode, guardian.city)
    address = re.sub(r"\s+", "", "|".join(parts)).upper().strip("|")
    return address[:60] or f"guardian-{guardian.pk}"


def create_family_conversations(user: Account, space: Space) -> int:
    """A conversation per pupil of the group with his guardians and the group's teachers, for the
    whole school year (CHAT-1): per household when the school says so. Pupils who already have
    theirs are skipped, so running it again after new pupils arrive only adds theirs. Returns how
    many conversations were made; a fixed number of queries however large the group."""
    if not policies.may_change_group_settings(user, space) or space.group is None:
        raise ValidationError(_("Only the group's teacher can do this."), code="not_teacher")
    group = space.group
    split = policies.school_settings_of(space.school_id).family_split == SchoolChatSettings.FamilySplit.PER_HOUSEHOLD
    pupil_ids = Placement.objects.filter(group=group, pupil__status=Pupil.Status.ENROLLED).values("pupil_id")
    reach = (
        guardianships_reaching_app()
        .filter(pupil_id__in=pupil_ids, guardian__account__is_active=True)
        .select_related("guardian", "pupil")
        .order_by("pupil_id", "contact_order", "pk")
    )
    households: dict[tuple[int, str], set[int]] = defaultdict(set)
    pupils: dict[int, Pupil] = {}
    for guardianship in reach:
        key = _household(guardianship) if split else ""
        households[(guardianship.pupil_id, key)].add(guardianship.guardian.account_id)  # type: ignore[arg-type]
        pupils[guardianship.pupil_id] = guardianship.pupil
    existing = set(
        Conversation.objects.filter(kind=Conversation.Kind.FAMILY, year=group.year, pupil_id__in=pupils).values_list(
            "pupil_id", "household"
        )
    )
    wanted = [key for key in sorted(households) if key not in existing]
    if not wanted:
        return 0
    creator_is_teacher = policies.teaches(user, space)
    with transaction.atomic():
        made = Conversation.objects.bulk_create(
            Conversation(
                school_id=space.school_id,
                kind=Conversation.Kind.FAMILY,
                space=space,
                title=f"{pupils[pupil_id].display_first_name} {pupils[pupil_id].last_name}"[:TITLE_MAX],
                teachers_of=group,
                pupil_id=pupil_id,
                year_id=group.year_id,
                household=household,
                created_by=user,
            )
            for pupil_id, household in wanted
        )
        rows = []
        for conversation, pair in zip(made, wanted, strict=True):
            accounts = set(households[pair]) | (set() if creator_is_teacher else {user.pk})
            rows += [Participant(conversation=conversation, account_id=a) for a in sorted(accounts)]
        Participant.objects.bulk_create(rows)
    return len(made)
