"""The conversation socket, with the in-memory channel layer and (when REDIS_URL is set, as in
production) the Redis layer: delivery, read confirmations, typing, idempotent sending, bad frames,
closing on logout and deactivation, and a socket idle for longer than redis-py 8's 5 s timeout.

Not browser tests: they run in the fast pytest process (the event loops would clash)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.conf import settings
from django.test import Client, override_settings

from config.asgi import application
from schoolbrug.accounts.models import Account
from schoolbrug.conversations.models import MESSAGE_MAX, Message, Participant
from schoolbrug.sis.testing import Persona, build_personas

from .helpers import add_second_family, say, with_teachers
from .sockets import SocketClient

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(params=["in-memory", "redis"])
def layer(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("the Redis channel layer needs REDIS_URL (as in production)")
        layers: dict[str, Any] = settings.CHANNEL_LAYERS  # the production configuration itself
    else:
        layers = IN_MEMORY
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends = {}
        yield request.param
    channel_layers.backends = {}


@pytest.fixture
def world(transactional_db: None, layer: str) -> SimpleNamespace:
    ns = SimpleNamespace()
    build_personas(ns)
    add_second_family(ns)
    ns.conversation = with_teachers(ns.paula, ns.group3.space, "Sam is ziek")
    return ns


def session_cookie(persona: Persona) -> str:
    client = Client()
    client.force_login(persona.account)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def communicator(cookie: str, conversation_id: int) -> SocketClient:
    return SocketClient(
        application,
        f"/ws/conversations/{conversation_id}/",
        headers=[
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
        ],
    )


async def receive(socket: SocketClient, kind: str, timeout: float = 3) -> dict[str, Any]:
    """The next frame of `kind`, skipping others (typing, read marks) that may come first."""
    while True:
        frame = json.loads(await socket.receive_from(timeout=timeout))
        if frame["type"] == kind:
            return frame


def run(coroutine: Any) -> None:
    async_to_sync(coroutine)()


def test_a_message_reaches_the_teacher_at_once_and_the_read_mark_reaches_the_sender(world: SimpleNamespace) -> None:
    paula_cookie, tess_cookie = session_cookie(world.paula), session_cookie(world.tess)

    async def scenario() -> None:
        paula = communicator(paula_cookie, world.conversation.pk)
        tess = communicator(tess_cookie, world.conversation.pk)
        assert (await paula.connect())[0] and (await tess.connect())[0]
        client_id = str(uuid.uuid4())
        await paula.send_to(text_data=json.dumps({"type": "message", "client_id": client_id, "body": "Hoi juf"}))
        ack = await receive(paula, "ack")
        arrived = await receive(tess, "message")
        assert arrived["body"] == "Hoi juf" and arrived["id"] == ack["id"] and arrived["sender"] == "Paula Bakker"
        await tess.send_to(text_data=json.dumps({"type": "typing"}))
        assert (await receive(paula, "typing"))["name"] == "Tess Leraar"
        await tess.send_to(text_data=json.dumps({"type": "read", "up_to": arrived["id"]}))
        read = await receive(paula, "read")
        assert read["name"] == "Tess Leraar" and read["up_to"] == arrived["id"]
        await paula.disconnect()
        await tess.disconnect()

    run(scenario)
    assert Participant.objects.get(conversation=world.conversation, account=world.tess.account).read_up_to > 0


def test_a_repeated_send_over_the_socket_stores_one_message(world: SimpleNamespace) -> None:
    cookie = session_cookie(world.paula)

    async def scenario() -> None:
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        frame = json.dumps({"type": "message", "client_id": str(uuid.uuid4()), "body": "Twee keer"})
        await socket.send_to(text_data=frame)
        first = await receive(socket, "ack")
        # A reconnect resends what had no answer yet.
        await socket.disconnect()
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        await socket.send_to(text_data=frame)
        assert (await receive(socket, "ack"))["id"] == first["id"]
        await socket.disconnect()

    run(scenario)
    assert Message.objects.filter(body="Twee keer").count() == 1


def test_bad_frames_get_an_error_and_the_connection_stays(world: SimpleNamespace) -> None:
    cookie = session_cookie(world.paula)

    async def scenario() -> None:
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        bad = [
            "not json",
            "[1, 2]",
            json.dumps({"type": "shout"}),
            json.dumps({"type": "message", "client_id": "not-a-uuid", "body": "x"}),
            json.dumps({"type": "message", "client_id": str(uuid.uuid4()), "body": 12}),
            json.dumps({"type": "read", "up_to": "many"}),
            json.dumps({"type": "message", "client_id": str(uuid.uuid4()), "body": "x" * (MESSAGE_MAX + 1)}),
        ]
        for text in bad:
            await socket.send_to(text_data=text)
            frame = await receive(socket, "error")
            assert frame["error"], text
        await socket.send_to(bytes_data=b"\x00\x01")
        assert (await receive(socket, "error"))["error"]
        await socket.send_to(text_data=json.dumps({"type": "message", "client_id": str(uuid.uuid4()), "body": "Nog"}))
        assert (await receive(socket, "ack"))["id"]
        await socket.disconnect()

    run(scenario)
    assert list(Message.objects.order_by("id").values_list("body", flat=True)) == ["Sam is ziek", "Nog"]


def test_outsiders_are_refused_and_posting_into_a_foreign_conversation_is_impossible(world: SimpleNamespace) -> None:
    cookies = [session_cookie(world.mira), session_cookie(world.otto), "no-such-session"]

    async def scenario() -> None:
        for cookie in cookies:
            socket = communicator(cookie, world.conversation.pk)
            connected, _code = await socket.connect()
            assert not connected
        # Own socket, but a conversation id not his: refused as well.
        socket = communicator(cookies[0], world.conversation.pk + 1000)
        assert not (await socket.connect())[0]

    run(scenario)


def test_the_socket_closes_when_its_user_logs_out_or_is_switched_off(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.paula.account)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    tess_cookie = session_cookie(world.tess)

    async def scenario() -> None:
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        await database_sync_to_async(client.post)("/accounts/logout/")
        closed = await socket.receive_output(timeout=3)
        assert closed["type"] == "websocket.close"

        teacher = communicator(tess_cookie, world.conversation.pk)
        assert (await teacher.connect())[0]

        def switch_off() -> None:
            account = Account.objects.get(pk=world.tess.account.pk)
            account.is_active = False
            account.save()

        await database_sync_to_async(switch_off)()
        assert (await teacher.receive_output(timeout=3))["type"] == "websocket.close"

    run(scenario)


def test_a_frame_after_the_right_is_gone_is_refused_and_closes(world: SimpleNamespace) -> None:
    cookie = session_cookie(world.paula)

    async def scenario() -> None:
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        await database_sync_to_async(lambda: world.paula.record.guardianships.update(portal_access=False))()
        await socket.send_to(text_data=json.dumps({"type": "message", "client_id": str(uuid.uuid4()), "body": "x"}))
        assert (await receive(socket, "error"))["error"]
        assert (await socket.receive_output(timeout=3))["type"] == "websocket.close"

    run(scenario)
    assert Message.objects.count() == 1


def test_a_socket_idle_for_longer_than_five_seconds_still_receives(world: SimpleNamespace) -> None:
    # redis-py 8 gives sockets a 5 s timeout; unless the layer's connections wait without one
    # (config/settings.py), the idle consumer's blocking read fails and the socket is dropped.
    cookie = session_cookie(world.tess)

    async def scenario() -> None:
        socket = communicator(cookie, world.conversation.pk)
        assert (await socket.connect())[0]
        await asyncio.sleep(6.5)
        await database_sync_to_async(say)(world.paula.account, world.conversation, "Na een stilte")
        assert (await receive(socket, "message", timeout=5))["body"] == "Na een stilte"
        await socket.disconnect()

    run(scenario)
