"""R1 (docs/SECURITY.md section 5): a real worker process killed with SIGKILL in the middle of a
2,000-recipient fan-out loses nothing, and the person sees nothing twice.

PostgreSQL only: SQLite serialises writers and would hide the races this is about.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from schoolbrug.accounts.models import Account
from schoolbrug.notifications.models import Delivery, NotificationKind, RecordedDelivery
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify

RECIPIENTS = 2000
BATCH = 25

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the kill test needs PostgreSQL"),
]


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "run_notifications",
            "--recording-transport",
            "--until-idle",
            "--batch",
            str(BATCH),
            "--lease-seconds",
            "2",
        ],
        env=worker_env(),
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_fan_out_loses_nothing_and_doubles_nothing() -> None:
    accounts = Account.objects.bulk_create(
        Account(kind="guardian", email=f"ouder{i}@example.org", username=f"guardian:ouder{i}@example.org", password="!")
        for i in range(RECIPIENTS)
    )
    notify(accounts, Event(kind=NotificationKind.BOOKING, title="Gesprek bevestigd", text="Dinsdag 15:00"))
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == RECIPIENTS

    kill_after = random.randint(RECIPIENTS // 10, RECIPIENTS // 2)
    first = start_worker()
    deadline = time.monotonic() + 120
    while RecordedDelivery.objects.count() < kill_after:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert time.monotonic() < deadline, "the first worker made no progress"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    received_when_killed = RecordedDelivery.objects.count()
    assert received_when_killed < RECIPIENTS, "killed too late to prove anything"

    second = start_worker()
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()

    # Nothing lost: every delivery reached the sink and is marked sent.
    assert RecordedDelivery.objects.count() == RECIPIENTS
    assert not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
    assert set(RecordedDelivery.objects.values_list("idempotency_key", flat=True)) == set(
        Delivery.objects.values_list("idempotency_key", flat=True)
    )
    # Nothing doubled for the person: the sink keys on the idempotency key. Raw repeats (a send
    # whose "sent" mark the kill prevented) stay within one batch.
    raw = RecordedDelivery.objects.aggregate(total=Sum("received"))["total"]
    assert RECIPIENTS <= raw <= RECIPIENTS + BATCH
