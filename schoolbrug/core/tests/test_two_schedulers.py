"""Two scheduler processes on one database (deploy/: a scheduler per machine): one holds the
lease and acts, the other stands by, and takes over as soon as the first stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from schoolbrug.core.models import SchedulerLease

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="separate processes need a shared database server (the SQLite test database lives in memory)",
)


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "run_scheduler", "--interval", "0.5"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def holder() -> str:
    lease = SchedulerLease.objects.filter(name="scheduler").first()
    return lease.holder if lease is not None else ""


def wait_for(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_second_scheduler_waits_on_the_lease_and_takes_over(tmp_path: Path) -> None:
    info = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": (
            f"postgres://{info['USER']}@{info['HOST'] or '127.0.0.1'}:{info['PORT'] or 5432}/{info['NAME']}"
        ),
        "SCHOOLBRUG_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    first = start_scheduler(env, tmp_path / "first.log")
    second = None
    try:
        assert wait_for(lambda: f":{first.pid}:" in holder()), (tmp_path / "first.log").read_text()
        second = start_scheduler(env, tmp_path / "second.log")
        assert wait_for(lambda: "stands by" in (tmp_path / "second.log").read_text()), (
            tmp_path / "second.log"
        ).read_text()
        time.sleep(1.5)  # several ticks of both: the lease stays with the first
        assert f":{first.pid}:" in holder()

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        assert wait_for(lambda: f":{second.pid}:" in holder(), seconds=15), (tmp_path / "second.log").read_text()
        assert "holds the lease" in (tmp_path / "second.log").read_text()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
