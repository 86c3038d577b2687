from __future__ import annotations

import logging
import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from schoolbrug.core import scheduler

logger = logging.getLogger("schoolbrug.scheduler")


class Command(BaseCommand):
    help = "Run the periodic jobs that are due, every --interval seconds (or once with --once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the due jobs once and exit (tests, cron).")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between looks for due jobs (default: SCHOOLBRUG_SCHEDULER_INTERVAL, "
            f"now {settings.SCHOOLBRUG_SCHEDULER_INTERVAL_SECONDS}).",
        )

    def handle(self, *args: Any, once: bool, interval: float | None, **options: Any) -> None:
        interval = settings.SCHOOLBRUG_SCHEDULER_INTERVAL_SECONDS if interval is None else interval
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        scheduler.autodiscover()
        holder = scheduler.new_holder_id()
        lease_for = scheduler.lease_duration(interval)
        names = ", ".join(job.name for job in scheduler.registered_jobs()) or "none yet"
        logger.info("scheduler %s started; jobs: %s", holder, names)

        if once:
            try:
                result = scheduler.run_due_jobs(holder=holder, lease_for=lease_for)
            finally:
                scheduler.release_lease(holder=holder)
            if not result.leader:
                logger.info("another scheduler holds the lease; nothing run")
            if result.failed:
                raise CommandError(f"Failed jobs: {', '.join(result.failed)}")
            return

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("scheduler stopping (%s)", signal.strsignal(signum))
            stop.set()
            # A second signal should not wait for a slow job: the default handlers end us at once.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        was_leader: bool | None = None
        try:
            while not stop.is_set():
                # A loop that lives for weeks must drop connections the database closed meanwhile.
                close_old_connections()
                try:
                    result = scheduler.run_due_jobs(holder=holder, lease_for=lease_for)
                except DatabaseError:
                    # The database restarting must not end the scheduler; try again next tick.
                    logger.exception("scheduler tick failed")
                else:
                    if result.leader != was_leader:
                        if result.leader:
                            logger.info("scheduler %s holds the lease and runs the jobs", holder)
                        else:
                            logger.info("scheduler %s stands by: another scheduler holds the lease", holder)
                        was_leader = result.leader
                stop.wait(interval)
        finally:
            try:
                scheduler.release_lease(holder=holder)
            except DatabaseError:
                logger.warning("could not release the scheduler lease; it expires by itself")
            close_old_connections()
        logger.info("scheduler stopped")
