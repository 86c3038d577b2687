"""An open-loop HTTP load generator in asyncio (wrk2 is not in Debian).

Request i is due at a planned moment t_i (a constant rate, or a linear ramp then a hold); it is
sent at that moment on its own new connection whatever earlier requests are doing, and its
latency is measured from t_i, not from when it was actually written. A server that stalls
therefore shows the full wait of every request planned during the stall: no coordinated
omission. wrk with a Lua `delay()` would not do this: wrk keeps each connection closed-loop
(the next request waits for the previous answer), so the planned moments slip whenever the
server is slow and the slow period is under-sampled.

gunicorn's sync workers close the connection after each response, so a new connection per
request is what a browser gets from them too (nginx keeps the client side alive). The generator
costs CPU on the same machine (roughly a tenth of a core at 100 req/s); it is recorded as
"achieved_rate" when it cannot keep up with its plan.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Plan:
    """Planned send moments, in seconds from the start."""

    moments: list[float]
    target_rate: float

    @classmethod
    def constant(cls, *, rate: float, seconds: float) -> Plan:
        count = max(1, int(rate * seconds))
        return cls([i / rate for i in range(count)], rate)

    @classmethod
    def ramp(cls, *, start: float, rate: float, ramp_seconds: float, hold_seconds: float) -> Plan:
        """Rate rising linearly from `start` to `rate` over `ramp_seconds`, then `rate` for `hold_seconds`."""
        moments: list[float] = []
        slope = (rate - start) / ramp_seconds if ramp_seconds else 0.0
        # Requests planned by time t during the ramp: start*t + slope*t²/2; invert for each i.
        ramp_total = start * ramp_seconds + slope * ramp_seconds**2 / 2
        i = 0
        while i < ramp_total:
            t = (-start + math.sqrt(start * start + 2 * slope * i)) / slope if slope else i / start
            moments.append(t)
            i += 1
        for j in range(int(rate * hold_seconds)):
            moments.append(ramp_seconds + j / rate)
        return cls(moments, rate)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


async def _one(host: str, port: int, path: str, cookie: str | None, timeout: float) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: schoolbrug-bench\r\nConnection: close\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        # Read the whole answer: the latency is until the last byte.
        await asyncio.wait_for(reader.read(), timeout)
        return int(status_line.split()[1])
    finally:
        writer.close()


async def run_open_loop(
    base: str,
    plan: Plan,
    choose: Callable[[int], tuple[str, str | None] | tuple[str, str | None, str]],
    *,
    timeout: float = 30.0,
) -> dict[str, Any]:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    planned_at: list[float] = []
    statuses: dict[str, int] = {}
    by_kind: dict[str, list[float]] = {}
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    tasks = []

    async def fire(index: int, moment: float) -> None:
        nonlocal errors
        chosen = choose(index)
        path, cookie = chosen[0], chosen[1]
        kind = chosen[2] if len(chosen) > 2 else "all"  # type: ignore[misc]
        due = start + moment
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            status = await _one(host, port, path, cookie, timeout)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        elapsed_ms = (loop.time() - due) * 1000
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status != 200:
            errors += 1
        latencies.append(elapsed_ms)
        planned_at.append(moment)
        by_kind.setdefault(kind, []).append(elapsed_ms)

    wall = time.perf_counter()
    for index, moment in enumerate(plan.moments):
        tasks.append(asyncio.create_task(fire(index, moment)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - wall
    # Keep latencies and planned moments paired, in completion order.
    return {
        "sent": len(plan.moments),
        "target_rate": plan.target_rate,
        "achieved_rate": len(plan.moments) / max(wall - 0.2, 1e-9),
        "latencies_ms": latencies,
        "planned_at": planned_at,
        "statuses": statuses,
        "errors": errors,
        "by_kind": by_kind,
    }
