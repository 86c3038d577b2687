"""A second family in group 3 beside the persona school, and quick ways to start conversations."""

from __future__ import annotations

import uuid
from typing import Any

from schoolbrug.accounts.models import Account
from schoolbrug.conversations import services
from schoolbrug.conversations.models import Conversation, GroupChatSettings, Message
from schoolbrug.messaging.models import Space
from schoolbrug.sis.testing import Persona, link, make_guardian_account, make_pupil


def add_second_family(cls: Any) -> None:
    """Noor (pupil of group 3) with her mother Mira: a guardian of the same group as Paula."""
    cls.noor = make_pupil(cls.school, "Noor", "Jansen", cls.group3)
    cls.mira = make_guardian_account(
        cls.school, "mira@test.nl", "Mira", "Jansen", phone_mobile="06 44444444", street="Markt", city="Deventer"
    )
    link(cls.mira.record, cls.noor, "mother")


def group_settings(space: Space, **values: Any) -> GroupChatSettings:
    found, _created = GroupChatSettings.objects.update_or_create(space=space, defaults=values)
    return found


def with_teachers(guardian: Persona, space: Space, body: str = "Hallo juf") -> Conversation:
    """A guardian's conversation with "the teachers of" the space's group."""
    return services.start_conversation(
        guardian.account, space, teachers=True, people=[], title="", body=body, client_id=uuid.uuid4()
    )


def say(account: Account, conversation: Conversation, body: str) -> Message:
    message, _created = services.send_message(account, conversation, body, uuid.uuid4())
    return message
