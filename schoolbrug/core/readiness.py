"""Readiness: may this web process be sent traffic? (`GET /readyz`, docs/operations.md)

Liveness (`/healthz`) only asks whether the process and its database answer. Readiness asks
whether everything a page relies on works: the database, the cache (sessions of throttling,
lock-outs), the channel layer (live updates between processes) and whether background work keeps
up: the oldest due, unsent notification delivery and the oldest due task (queued mail among them)
must not be older than `SCHOOLBRUG_READY_BACKLOG_SECONDS`. A backlog means no worker runs, or they
do not keep up; the page processes are fine, but the operator must look.

Apps above core add their checks with `register_check` (notifications adds its outbox) from their
AppConfig.ready(), so core does not import them.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("schoolbrug.readiness")

# A channel layer that does not answer within this is as good as down for live updates.
CHANNEL_TIMEOUT_SECONDS = 2.0


class NotReady(Exception):
    """Raised by a check with a short, secret-free reason for the JSON body."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    milliseconds: float


_checks: dict[str, Callable[[], str]] = {}


def register_check(name: str, check: Callable[[], str]) -> None:
    """`check` returns a short detail ("ok", "oldest 3 s") or raises NotReady (or anything)."""
    _checks[name] = check


def backlog_limit() -> timedelta:
    return timedelta(seconds=settings.SCHOOLBRUG_READY_BACKLOG_SECONDS)


def describe_backlog(oldest_due: object | None) -> str:
    """'empty' or the age of the oldest due item; NotReady when it is older than the limit."""
    if oldest_due is None:
        return "empty"
    age = timezone.now() - oldest_due  # type: ignore[operator]
    if age > backlog_limit():
        raise NotReady(f"oldest due item waits {int(age.total_seconds())} s")
    return f"oldest due item waits {max(0, int(age.total_seconds()))} s"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    key = f"schoolbrug:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise NotReady("a value written to the cache did not come back")
    return "ok"


async def _channel_round_trip() -> None:
    from channels.layers import channel_layers

    # A layer of its own: its connections are closed afterwards without touching the process's
    # shared layer, which open WebSockets may be using on this event loop.
    layer = channel_layers.make_backend("default")
    try:
        channel = await layer.new_channel()
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "readiness.probe", "token": token})
        message = await layer.receive(channel)
        if message.get("token") != token:
            raise NotReady("the channel layer returned another message")
    finally:
        close = getattr(layer, "close_pools", None)
        if close is not None:
            await close()


def check_channel_layer() -> str:
    async def bounded() -> None:
        await asyncio.wait_for(_channel_round_trip(), timeout=CHANNEL_TIMEOUT_SECONDS)

    try:
        async_to_sync(bounded)()
    except TimeoutError:
        raise NotReady(f"no answer within {CHANNEL_TIMEOUT_SECONDS:g} s") from None
    return "ok"


def check_task_queue() -> str:
    """The oldest task due to run and not yet picked up by a worker (mail is sent by tasks)."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest_scheduled = (
        ready.exclude(run_after=get_date_max()).order_by("run_after").values_list("run_after", flat=True).first()
    )
    oldest_immediate = (
        ready.filter(run_after=get_date_max()).order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    )
    due = [moment for moment in (oldest_scheduled, oldest_immediate) if moment is not None]
    return describe_backlog(min(due) if due else None)


CORE_CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "task_queue": check_task_queue,
}


def run_checks() -> list[CheckResult]:
    results = []
    for name, check in {**CORE_CHECKS, **_checks}.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except NotReady as reason:
            detail, ok = str(reason), False
            logger.warning("not ready: %s: %s", name, reason)
        except Exception:  # any failure of a dependency means "not ready"; the reason goes to the log only
            detail, ok = "unavailable", False
            logger.exception("not ready: %s failed", name)
        results.append(CheckResult(name, ok, detail, round((time.perf_counter() - started) * 1000, 1)))
    return results
