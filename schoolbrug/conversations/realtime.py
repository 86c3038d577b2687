"""Events to open conversations over the channel layer: one group per person ("user.<id>"), never
one big group per conversation or school, so a message costs one send per participant.

Sent after the transaction commits: a socket never hears of a message the database rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from .models import Message
from .selectors import public_name

EVENT = "chat.event"
_pending: set[asyncio.Task[None]] = set()
END = "session.check"


def user_group(account_id: int) -> str:
    return f"user.{account_id}"


def send_to(account_ids: Iterable[int], payload: dict[str, Any]) -> None:
    ids = sorted(set(account_ids))
    layer = get_channel_layer()
    if layer is None or not ids:
        return

    async def send_all() -> None:
        for account_id in ids:
            await layer.group_send(user_group(account_id), {"type": EVENT, "payload": payload})

    transaction.on_commit(lambda: _run(send_all()))


def ask_sockets_to_check(account_id: int, ended_session: str | None = None) -> None:
    """Logged out or switched off: each of the person's sockets checks its session and closes
    when it is no longer valid (the socket of `ended_session` closes at once)."""
    layer = get_channel_layer()
    if layer is None:
        return
    event = {"type": END, "ended_session": ended_session or ""}
    transaction.on_commit(lambda: _run(layer.group_send(user_group(account_id), event)))


async def _await(coroutine: Coroutine[Any, Any, None]) -> None:
    await coroutine


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run the send from sync code. Web requests and the consumer's database threads have no
    event loop of their own; a thread that does (a test driving a browser) gets it as a task."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_await)(coroutine)
        return
    task = loop.create_task(coroutine)
    _pending.add(task)  # a task nobody holds may be collected before it ran
    task.add_done_callback(_pending.discard)


def message_payload(message: Message) -> dict[str, Any]:
    """What a client needs to show a message: the same shape over the socket and the refresh."""
    return {
        "type": "message",
        "conversation": message.conversation_id,
        "id": message.pk,
        "client_id": str(message.client_id),
        "sender_id": message.sender_id,
        "sender": public_name(message.sender),
        "body": message.body,
        "time": formats.time_format(timezone.localtime(message.created_at), "H:i"),
        "attachments": [
            {
                "url": attachment_url(message.conversation_id, a.file_id),
                "thumbnail": attachment_url(message.conversation_id, a.file_id, "thumbnail"),
                "name": a.file.original_name,
                "image": a.file.is_image,
            }
            for a in message.attachments.all()
        ],
    }


def attachment_url(conversation_id: int, file_id: int, rendition: str = "") -> str:
    url = reverse("conversations:file", args=[conversation_id, file_id])
    return f"{url}?rendition={rendition}" if rendition else url


def read_payload(conversation_id: int, account_id: int, name: str, up_to: int) -> dict[str, Any]:
    return {"type": "read", "conversation": conversation_id, "account_id": account_id, "name": name, "up_to": up_to}
