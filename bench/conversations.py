"""WebSocket chat delivery: N clients on one uvicorn process, each in its own conversation.

    .venv/bin/python bench/conversations.py                       # N = 100 and 1,000, SQLite, in-memory layer
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/conversations.py --port 8107
    .venv/bin/python bench/conversations.py --clients 100 1000 --messages 3 --rate 100

What it does: builds N guardians, each with a child in one group and a one-to-one conversation with
"the teachers of" that group (so every message also writes its notification and its deliveries),
starts `uvicorn config.asgi:application` on 127.0.0.1:<port> in its own process, and opens N
WebSocket clients (the `websockets` library) with real session cookies. Each client then sends
`--messages` messages over its socket, spread at `--rate` messages per second over all clients;
the latency of one message is from the client's send to the moment the server's broadcast of it
arrives back on that client's socket (consumer → database → channel layer → the person's group).

It prints delivery latency p50/p95/p99 per N, lost messages, and the server's memory per
connection: (RSS with N idle sockets open - RSS before) / N, read from /proc.

The database is a throwaway SQLite file, or with DATABASE_URL=postgres://… a dedicated database
`schoolbrug_bench_conversations` (created and dropped, see bench/README.md). With REDIS_URL the
server uses the Redis channel layer, as in production; without it the in-memory layer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import bench_database, machine_note

BASE_DIR = Path(__file__).resolve().parent.parent


def build(clients: int) -> list[tuple[int, str]]:
    """N guardians, each with a conversation; returns (conversation id, session key) per client."""
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from schoolbrug.accounts.models import Account
    from schoolbrug.conversations.models import Conversation, Participant
    from schoolbrug.messaging.models import Space
    from schoolbrug.messaging.services import ensure_spaces
    from schoolbrug.sis.models import (
        Board,
        Group,
        GroupStaff,
        Guardian,
        Guardianship,
        Placement,
        Pupil,
        School,
        SchoolYear,
        StaffMember,
    )

    unusable = make_password(None)  # the clients come in with sessions, never a password
    board = Board.objects.create(name="Bench")
    school = School.objects.create(board=board, name="OBS Bench")
    year = SchoolYear.objects.create(
        school=school, name="2026-2027", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 16), is_current=True
    )
    group = Group.objects.create(school=school, year=year, name="Groep 5")
    teacher = Account.objects.create(kind=Account.Kind.STAFF, email="juf@bench.test", first_name="Juf")
    staff = StaffMember.objects.create(school=school, account=teacher, first_name="Juf", last_name="Bench")
    GroupStaff.objects.create(group=group, staff_member=staff)
    ensure_spaces(school)
    space = Space.objects.get(group=group)
    accounts = Account.objects.bulk_create(
        Account(
            kind=Account.Kind.GUARDIAN,
            email=f"ouder{n}@bench.test",
            username=f"guardian:ouder{n}@bench.test",
            first_name="Ouder",
            last_name=str(n),
            password=unusable,
        )
        for n in range(clients)
    )
    guardians = Guardian.objects.bulk_create(
        Guardian(school=school, account=a, first_name="Ouder", last_name=str(n)) for n, a in enumerate(accounts)
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(school=school, first_name="Kind", last_name=str(n), birth_date=dt.date(2018, 1, 1))
        for n in range(clients)
    )
    Placement.objects.bulk_create(Placement(pupil=p, group=group, year=year) for p in pupils)
    Guardianship.objects.bulk_create(
        Guardianship(guardian=g, pupil=p, relation="mother") for g, p in zip(guardians, pupils, strict=True)
    )
    conversations = Conversation.objects.bulk_create(
        Conversation(school=school, kind=Conversation.Kind.DIRECT, space=space, teachers_of=group) for _ in accounts
    )
    Participant.objects.bulk_create(
        Participant(conversation=c, account=a) for c, a in zip(conversations, accounts, strict=True)
    )
    backend = "schoolbrug.accounts.backends.EmailBackend"
    result = []
    for conversation, account in zip(conversations, accounts, strict=True):
        session = SessionStore()
        session[SESSION_KEY] = str(account.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = account.get_session_auth_hash()
        session.save()
        assert session.session_key is not None
        result.append((conversation.pk, session.session_key))
    return result


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--lifespan", "off",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=os.environ.copy())  # noqa: S603 (a fixed command)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("uvicorn exited at start") from None
            time.sleep(0.3)
    server.kill()
    raise SystemExit("uvicorn did not start within 60 s")


async def run_clients(
    port: int, targets: list[tuple[int, str]], messages: int, rate: float, pid: int, base_rss: int
) -> dict[str, float]:
    from django.conf import settings
    from websockets.asyncio.client import connect

    cookie_name = settings.SESSION_COOKIE_NAME
    latencies: list[float] = []
    sent_at: dict[str, float] = {}
    errors = 0
    gate = asyncio.Semaphore(100)  # connect in waves, as browsers coming back would

    async def open_socket(conversation_id: int, key: str):  # type: ignore[no-untyped-def]
        async with gate:
            return await connect(
                f"ws://127.0.0.1:{port}/ws/conversations/{conversation_id}/",
                additional_headers={"Cookie": f"{cookie_name}={key}", "Origin": f"http://127.0.0.1:{port}"},
                max_queue=None,
                open_timeout=60,
            )

    started = time.perf_counter()
    sockets = await asyncio.gather(*(open_socket(c, k) for c, k in targets))
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)
    rss = rss_kib(pid)

    async def listen(ws) -> None:  # type: ignore[no-untyped-def]
        nonlocal errors
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "message" and frame["client_id"] in sent_at:
                latencies.append(time.perf_counter() - sent_at.pop(frame["client_id"]))
            elif frame["type"] == "error":
                errors += 1

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    total = len(sockets) * messages
    plan = sorted((random.uniform(0, total / rate), n) for n in range(len(sockets)) for _ in range(messages))
    begin = time.perf_counter()
    for at, n in plan:
        delay = begin + at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        client_id = str(uuid.uuid4())
        sent_at[client_id] = time.perf_counter()
        await sockets[n].send(json.dumps({"type": "message", "client_id": client_id, "body": "Hoe gaat het?"}))
    # A saturated server delivers late rather than never: wait long before calling a message lost.
    deadline = time.perf_counter() + 300
    while sent_at and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    send_span = time.perf_counter() - begin  # first send to last delivery
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    return {
        "connect_s": connect_seconds,
        "kib_per_connection": (rss - base_rss) / len(sockets),
        "rss_mib": rss / 1024,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "max_ms": max(latencies, default=0) * 1000,
        "delivered": len(latencies),
        "lost": len(sent_at),
        "errors": errors,
        "total": total,
        "span_s": send_span,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--messages", type=int, default=2, help="messages per client")
    parser.add_argument("--rate", type=float, default=10, help="messages per second over all clients")
    parser.add_argument("--port", type=int, default=8107)
    args = parser.parse_args()

    pages.BENCH_PG_DATABASE = "schoolbrug_bench_conversations"
    with bench_database("conversations") as where:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        targets = build(max(args.clients))
        from django.db import connections

        connections.close_all()
        layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
        print(f"Database: {where}; channel layer: {layer}; {machine_note()}")
        server = start_server(args.port)
        try:
            for n in args.clients:
                base = rss_kib(server.pid)
                result = asyncio.run(run_clients(args.port, targets[:n], args.messages, args.rate, server.pid, base))
                print(
                    f"N={n:>5}: connected in {result['connect_s']:.1f} s; server RSS {result['rss_mib']:.0f} MiB, "
                    f"{result['kib_per_connection']:.0f} KiB per connection; {result['total']} messages at "
                    f"{args.rate:.0f}/s: latency p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                    f"p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms; delivered {result['delivered']}, "
                    f"lost {result['lost']}, errors {result['errors']}; "
                    f"{result['delivered'] / result['span_s']:.1f} messages/s delivered"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
