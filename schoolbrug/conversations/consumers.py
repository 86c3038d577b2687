"""The WebSocket of an open conversation: new messages, read confirmations and typing, both ways.

The socket listens on the person's own group ("user.<id>") and passes on only the events of the
conversation it was opened for. Every frame the client sends is checked again through
`selectors.get_conversation_for_user_or_404` with the account and session as they are now, so
a person who left, lost access, logged out or was switched off cannot go on writing; a frame
that is not understood gets an error frame and the connection stays open.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_otp import DEVICE_ID_SESSION_KEY

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.devices import has_confirmed_device

from . import services
from .models import MESSAGE_MAX
from .realtime import user_group
from .selectors import get_conversation_for_user_or_404, public_name, recipient_ids

# Room for a message of MESSAGE_MAX characters in JSON (escapes included) and the frame around it.
FRAME_MAX = MESSAGE_MAX * 6 + 1024
CLOSE_NOT_ALLOWED = 4403


@dataclass(frozen=True)
class Command:
    kind: str
    up_to: int = 0
    body: str = ""
    client_id: uuid.UUID | None = None


@dataclass
class Outcome:
    frames: list[dict[str, Any]] = field(default_factory=list)
    close: bool = False
    typing_to: set[int] = field(default_factory=set)
    name: str = ""


def _error(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "error": text, **extra}


class ConversationConsumer(AsyncWebsocketConsumer):
    conversation_id: int
    account_id: int | None = None
    language: str = settings.LANGUAGE_CODE

    async def connect(self) -> None:
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        user = await self._current_user()
        if user is None or not await self._sees(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.account_id = user.pk
        self.language = user.language or settings.LANGUAGE_CODE
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.account_id is not None:
            await self.channel_layer.group_discard(user_group(self.account_id), self.channel_name)

    # --- from the browser -------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # One trip to the database thread per frame: who is this now, may he still, and the work.
        outcome = await self._act(self._parse(text_data))
        for frame in outcome.frames:
            await self.send(text_data=json.dumps(frame))
        for account_id in outcome.typing_to:
            payload = {"type": "typing", "conversation": self.conversation_id, "name": outcome.name}
            await self.channel_layer.group_send(user_group(account_id), {"type": "chat.event", "payload": payload})
        if outcome.close:
            await self.close(code=CLOSE_NOT_ALLOWED)

    def _parse(self, text_data: str | None) -> Command | None:
        """The frame as a command, or None when it is not one we understand (checked before any
        database work)."""
        if text_data is None or len(text_data) > FRAME_MAX:
            return None
        try:
            frame = json.loads(text_data)
        except ValueError:
            return None
        if not isinstance(frame, dict):
            return None
        kind = frame.get("type")
        if kind == "typing":
            return Command("typing")
        if kind == "read":
            up_to = frame.get("up_to")
            if isinstance(up_to, int) and not isinstance(up_to, bool) and up_to >= 0:
                return Command("read", up_to=up_to)
            return None
        if kind == "message":
            body, raw_id = frame.get("body"), frame.get("client_id")
            try:
                client_id = uuid.UUID(raw_id) if isinstance(raw_id, str) else None
            except ValueError:
                return None
            if isinstance(body, str) and client_id is not None:
                return Command("message", body=body, client_id=client_id)
        return None

    @database_sync_to_async
    def _act(self, command: Command | None) -> Outcome:
        user = self._current_user_now()
        if user is None or user.pk != self.account_id:
            return Outcome(close=True)
        with override(self.language):
            try:
                conversation = get_conversation_for_user_or_404(user, self.conversation_id)
            except Http404:
                return Outcome([_error(_("This conversation is not available to you any more."))], close=True)
            if command is None:
                return Outcome([_error(_("This message was not understood."))])
            if command.kind == "typing":
                # Never stored: straight to the others' sockets.
                return Outcome(typing_to=recipient_ids(conversation) - {user.pk}, name=public_name(user))
            if command.kind == "read":
                services.mark_read(user, conversation, command.up_to)
                return Outcome()
            assert command.client_id is not None
            try:
                message, _created = services.send_message(user, conversation, command.body, command.client_id)
            except ValidationError as error:
                return Outcome([_error(" ".join(error.messages), client_id=str(command.client_id))])
            return Outcome([{"type": "ack", "client_id": str(command.client_id), "id": message.pk}])

    # --- from the channel layer -------------------------------------------------------------

    async def chat_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        if payload.get("conversation") == self.conversation_id:
            await self.send(text_data=json.dumps(payload))

    async def session_check(self, event: dict[str, Any]) -> None:
        ended = event.get("ended_session")
        if ended and ended == getattr(self.scope.get("session"), "session_key", None):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        user = await self._current_user()
        if user is None or user.pk != self.account_id:
            await self.close(code=CLOSE_NOT_ALLOWED)

    # --- who is on the other end ------------------------------------------------------------

    @database_sync_to_async
    def _current_user(self) -> Account | None:
        return self._current_user_now()

    def _current_user_now(self) -> Account | None:
        """The account of the socket's session as it is now: None when the session was ended
        (logout), the account switched off, the password changed, or a staff member with an
        authenticator app has not passed his second factor in this session."""
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        if not key:
            return None
        fresh = session.__class__(session_key=key)
        data = fresh.load()
        user_id = data.get(SESSION_KEY)
        if not user_id or not data.get(BACKEND_SESSION_KEY):
            return None
        user = Account.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return None
        if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
            return None
        if user.is_staff_member and has_confirmed_device(user) and not data.get(DEVICE_ID_SESSION_KEY):
            return None
        return user

    @database_sync_to_async
    def _sees(self, user: Account) -> bool:
        try:
            get_conversation_for_user_or_404(user, self.conversation_id)
        except Http404:
            return False
        return True
