"""Periodic jobs: a registry, and the leader lease that lets only one scheduler act at a time.

Feature apps register jobs in a `jobs.py` module of their own::

    from datetime import timedelta
    from schoolbrug.core.scheduler import register_job

    @register_job("portal.switch_scheduled_modules", every=timedelta(minutes=5))
    def switch_scheduled_modules() -> None:
        ...

`manage.py run_scheduler` imports every installed app's `jobs` module and calls `run_due_jobs`
on each tick. Jobs should be short and catch up on everything that became due ("send every
delivery due by now"), enqueueing tasks for heavy work: a run is recorded before the job starts,
so a job is never run twice within its interval, even across a leader change, at the price of a
skipped run when a process dies mid-job, which the next catch-up run then covers.

Any number of schedulers may run (one per machine is fine); the one holding the lease acts, the
others wait and take over when the lease expires. Lease times come from the schedulers' clocks,
so the machines must keep their clocks in sync (NTP), within a fraction of the lease length.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules

from .models import JobRun, SchedulerLease

logger = logging.getLogger("schoolbrug.scheduler")

LEASE_NAME = "scheduler"
# Long enough to outlast a slow tick, short enough that a standby takes over soon after a crash.
MIN_LEASE_DURATION = timedelta(seconds=60)
# An "expired long ago" moment for a free lease; a constant keeps the row's meaning obvious.
_FREE = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]


_registry: dict[str, Job] = {}


def register_job(name: str, every: timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register a function without arguments to run every `every`; returns it unchanged."""
    if every <= timedelta(0):
        raise ValueError(f"Job {name!r}: the interval must be positive.")

    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        existing = _registry.get(name)
        # Re-importing a module (autoreload, tests) registers the same function again: harmless.
        same = existing is not None and (existing.func.__module__, existing.func.__qualname__) == (
            func.__module__,
            func.__qualname__,
        )
        if existing is not None and not same:
            raise ValueError(f"Job name {name!r} is already registered by {existing.func.__module__}.")
        _registry[name] = Job(name=name, every=every, func=func)
        return func

    return decorator


def registered_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda job: job.name)


def autodiscover() -> None:
    """Import the `jobs` module of every installed app so its `register_job` calls run."""
    autodiscover_modules("jobs")


def new_holder_id() -> str:
    # Host and pid tell an operator which process holds the lease; the random part keeps two
    # processes apart even when a pid is reused (containers often all run as pid 1).
    return f"{socket.gethostname()}:{os.getpid()}:{get_random_string(8)}"


def lease_duration(interval_seconds: float) -> timedelta:
    return max(MIN_LEASE_DURATION, timedelta(seconds=3 * interval_seconds))


def acquire_lease(*, holder: str, now: datetime, duration: timedelta) -> bool:
    """Take or renew the lease; True if `holder` holds it until `now + duration`."""
    SchedulerLease.objects.get_or_create(name=LEASE_NAME, defaults={"holder": "", "expires_at": _FREE})
    # One conditional UPDATE is atomic on SQLite and PostgreSQL alike: of two schedulers racing
    # for an expired lease, exactly one sees its row count come back as 1.
    taken = (
        SchedulerLease.objects.filter(name=LEASE_NAME)
        .filter(Q(expires_at__lt=now) | Q(holder=holder))
        .update(holder=holder, expires_at=now + duration)
    )
    return taken == 1


def release_lease(*, holder: str) -> None:
    """Give the lease up so a standby scheduler need not wait for it to expire."""
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).update(holder="", expires_at=_FREE)


def is_due(job: Job, last_started_at: datetime | None, now: datetime) -> bool:
    return last_started_at is None or now >= last_started_at + job.every


@dataclass
class TickResult:
    leader: bool
    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_due_jobs(
    *,
    holder: str,
    now: datetime | None = None,
    lease_for: timedelta = MIN_LEASE_DURATION,
    jobs: Iterable[Job] | None = None,
) -> TickResult:
    """Run every job that is due at `now`, if `holder` holds (or can take) the lease."""
    now = now or timezone.now()
    if not acquire_lease(holder=holder, now=now, duration=lease_for):
        return TickResult(leader=False)

    result = TickResult(leader=True)
    jobs = registered_jobs() if jobs is None else list(jobs)
    last_runs = dict(JobRun.objects.filter(name__in=[job.name for job in jobs]).values_list("name", "last_started_at"))
    for job in jobs:
        if not is_due(job, last_runs.get(job.name), now):
            continue
        # Renew before each job: a slow job before this one must not let the lease lapse and a
        # second scheduler start the same job alongside us.
        if not acquire_lease(holder=holder, now=now, duration=lease_for):
            logger.warning("lost the scheduler lease; leaving the remaining jobs to the new holder")
            result.leader = False
            break
        if _run_job(job, now=now):
            result.ran.append(job.name)
        else:
            result.failed.append(job.name)
    return result


def _run_job(job: Job, *, now: datetime) -> bool:
    JobRun.objects.update_or_create(
        name=job.name,
        defaults={"last_started_at": now, "last_finished_at": None, "last_succeeded": None, "last_error": ""},
    )
    started = time.monotonic()
    try:
        job.func()
    except Exception:  # one broken job must not stop the others or the loop; it is logged and recorded
        elapsed = time.monotonic() - started
        logger.exception("job %s failed after %.2f s", job.name, elapsed)
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=now + timedelta(seconds=elapsed),
            last_succeeded=False,
            last_error=traceback.format_exc()[-4000:],
        )
        return False
    elapsed = time.monotonic() - started
    logger.info("job %s ran in %.2f s", job.name, elapsed)
    JobRun.objects.filter(name=job.name).update(last_finished_at=now + timedelta(seconds=elapsed), last_succeeded=True)
    return True
