from __future__ import annotations

import logging
import signal
import threading
from argparse import ArgumentParser
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from schoolbrug.notifications import worker
from schoolbrug.notifications.models import Channel
from schoolbrug.notifications.transports import RecordingTransport, register_transport

logger = logging.getLogger("schoolbrug.notifications")


class Command(BaseCommand):
    help = "Send the notification outbox (e-mail, push): claim due deliveries with a lease, send, repeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", type=int, default=worker.DEFAULT_BATCH, help="Deliveries per claim.")
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=worker.DEFAULT_LEASE.total_seconds(),
            help="How long a claim holds before another worker may take it (default %(default)s).",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds to wait when nothing is due.")
        parser.add_argument(
            "--until-idle", action="store_true", help="Exit when nothing is due any more (tests, benchmark)."
        )
        parser.add_argument(
            "--recording-transport",
            action="store_true",
            help="Record deliveries in the database instead of sending them (tests, benchmark, demos).",
        )

    def handle(
        self,
        *args: Any,
        batch: int,
        lease_seconds: float,
        interval: float,
        until_idle: bool,
        recording_transport: bool,
        **options: Any,
    ) -> None:
        if batch < 1 or lease_seconds <= 0 or interval <= 0:
            raise CommandError("--batch, --lease-seconds and --interval must be positive.")
        if recording_transport:
            for channel in (Channel.EMAIL, Channel.PUSH):
                register_transport(channel, RecordingTransport())
        owner = worker.new_worker_id()
        lease = timedelta(seconds=lease_seconds)
        logger.info("notification worker %s started", owner)
        if until_idle:
            sent = worker.run_until_idle(owner=owner, limit=batch, lease=lease, pause=min(interval, 0.2))
            logger.info("notification worker %s idle after sending %s", owner, sent)
            return

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("notification worker stopping (%s)", signal.strsignal(signum))
            stop.set()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stop.is_set():
            close_old_connections()
            try:
                result = worker.run_once(owner=owner, limit=batch, lease=lease)
            except DatabaseError:
                # A database restart must not end the worker; the lease lets another take over.
                logger.exception("notification batch failed")
                stop.wait(interval)
                continue
            if not result.claimed:
                stop.wait(interval)
