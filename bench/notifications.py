"""Deliveries per second of the notification outbox: a 2,000-recipient fan-out sent by one worker
process and by two (`manage.py run_notifications --recording-transport --until-idle`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/notifications.py
    .venv/bin/python bench/notifications.py --recipients 2000 --batch 50     # SQLite

The transport is the recording transport (a row per delivery, deduplicated on the idempotency
key), so the figure is the outbox's own cost: claim with a lease, re-check, send, mark sent. Two
figures per run: wall time from starting the worker(s) to their exit (includes Django's start-up)
and the sink's own span (first to last delivery received). The database is a dedicated one as in
bench/pages.py (`schoolbrug_bench_notifications` on PostgreSQL), dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import bench_database, machine_note

BASE_DIR = Path(__file__).resolve().parent.parent


def run_workers(count: int, batch: int) -> float:
    command = [
        sys.executable,
        str(BASE_DIR / "manage.py"),
        "run_notifications",
        "--recording-transport",
        "--until-idle",
        "--batch",
        str(batch),
    ]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, cwd=BASE_DIR, env=os.environ.copy()) for _ in range(count)]  # noqa: S603
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit(f"a worker failed with status {worker.returncode}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    pages.BENCH_PG_DATABASE = "schoolbrug_bench_notifications"
    with bench_database("notifications") as description:
        import django

        django.setup()
        from django.contrib.auth.hashers import make_password
        from django.core.management import call_command
        from django.db import connections
        from django.db.models import Max, Min, Sum

        from schoolbrug.accounts.models import Account
        from schoolbrug.notifications.models import Delivery, NotificationKind, RecordedDelivery
        from schoolbrug.notifications.planning import Event
        from schoolbrug.notifications.services import notify

        print(f"Database: {description}")
        print(f"Django {django.get_version()}, {machine_note()}")
        call_command("migrate", verbosity=0)
        unusable = make_password(None)
        accounts = Account.objects.bulk_create(
            Account(kind="guardian", email=f"o{i}@bench.test", username=f"guardian:o{i}@bench.test", password=unusable)
            for i in range(args.recipients)
        )
        started = time.perf_counter()
        notify(accounts, Event(kind=NotificationKind.BOOKING, title="Gesprek bevestigd", text="Dinsdag 15:00"))
        print(f"notify() for {args.recipients} recipients: {time.perf_counter() - started:.2f} s")
        connections.close_all()

        for workers in (1, 2):
            Delivery.objects.update(state=Delivery.State.PENDING, attempts=0, sent_at=None, lease_owner="")
            RecordedDelivery.objects.all().delete()
            connections.close_all()
            wall = run_workers(workers, args.batch)
            span = RecordedDelivery.objects.aggregate(first=Min("first_received_at"), last=Max("first_received_at"))
            sink = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
            raw = RecordedDelivery.objects.aggregate(total=Sum("received"))["total"] or 0
            distinct = RecordedDelivery.objects.count()
            print(
                f"{workers} worker(s): {distinct} delivered ({raw} raw), wall {wall:.2f} s "
                f"= {distinct / wall:.0f}/s; sink span {sink:.2f} s = {distinct / sink if sink else 0:.0f}/s"
            )
            connections.close_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
