"""A few conversations for the demo accounts, so the list, a chat and its read marks show something."""

from __future__ import annotations

import uuid

from schoolbrug.accounts.models import Account
from schoolbrug.messaging.models import Space
from schoolbrug.messaging.services import ensure_spaces
from schoolbrug.sis.models import GroupStaff, School

from . import services
from .models import Conversation


def load_demo_conversations(school: School, teacher_email: str, guardian_email: str) -> None:
    teacher = Account.objects.filter(kind=Account.Kind.STAFF, email=teacher_email, is_active=True).first()
    guardian = Account.objects.filter(kind=Account.Kind.GUARDIAN, email=guardian_email, is_active=True).first()
    if teacher is None or guardian is None or Conversation.objects.filter(school=school).exists():
        return
    ensure_spaces(school)
    link = GroupStaff.objects.filter(staff_member__account=teacher, group__year__is_current=True).first()
    if link is None:
        return
    space = Space.objects.get(group_id=link.group_id)
    # The school's per-family thread for every pupil of the teacher's group (CHAT-1).
    services.create_family_conversations(teacher, space)
    chat = services.start_conversation(
        guardian,
        space,
        teachers=True,
        people=[],
        title="Zwemles donderdag",
        body="Goedemorgen juf, mag onze zoon donderdag na de zwemles zelf naar huis fietsen?",
        client_id=uuid.uuid4(),
    )
    services.mark_read(teacher, chat)
    services.send_message(teacher, chat, "Goedemorgen! Dat is goed, dank u voor het laten weten.", uuid.uuid4())
    services.send_message(guardian, chat, "Fijn, dank u wel!", uuid.uuid4())
    services.mark_read(teacher, chat)
