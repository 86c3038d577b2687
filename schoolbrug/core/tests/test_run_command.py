"""`manage.py run` end to end: real child processes against a throwaway SQLite database."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

STARTED = re.compile(r"web pid (\d+), worker pid (\d+), scheduler pid (\d+), notifications pid (\d+)")
# What each child's command line must contain, to be sure the pids are the right processes.
EXPECTED_COMMANDS = {
    "web": "uvicorn",
    "worker": "db_worker",
    "scheduler": "run_scheduler",
    "notifications": "run_notifications",
}

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="inspects processes through /proc")


@pytest.fixture(scope="module")
def run_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("run")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'schoolbrug.sqlite3'}",
        "SCHOOLBRUG_VAR_DIR": str(tmp / "var"),
        "SCHOOLBRUG_SCHEDULER_INTERVAL": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SCHOOLBRUG_PORT", None)
    # What `make run` gets on a fresh machine: not production, no DEBUG.
    for name in ("SCHOOLBRUG_DEBUG", "SCHOOLBRUG_PRODUCTION"):
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "\n".join(self.lines)

    def child_pids(self, timeout: float = 20) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := STARTED.search(line):
                    return dict(
                        zip(("web", "worker", "scheduler", "notifications"), map(int, match.groups()), strict=True)
                    )
            time.sleep(0.1)
        raise AssertionError(f"run never reported its children:\n{self.output()}")


StartRun = Callable[..., Running]


@pytest.fixture
def start_run(run_env: dict[str, str]) -> Iterator[StartRun]:
    started: list[Running] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Running:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run", *args],
            cwd=settings.BASE_DIR,
            env=env or run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        running = Running(process)
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: running.lines.extend(line.rstrip() for line in stdout), daemon=True).start()
        started.append(running)
        return running

    yield start

    # A failing test must not leave servers behind: kill the supervisor, whose children follow it.
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(timeout=10)


def wait_for_health(port: int, running: Running, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert running.process.poll() is None, f"run exited early:\n{running.output()}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz never answered 200:\n{running.output()}")


def is_running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # A zombie has stopped; only its exit status is left for its parent to collect.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until_gone(pids: dict[str, int], timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [name for name, pid in pids.items() if is_running(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def test_run_serves_with_worker_and_scheduler_and_stops_on_sigint(start_run: StartRun) -> None:
    port = free_port()
    running = start_run("--port", str(port))

    pids = running.child_pids()
    wait_for_health(port, running)
    for name, pid in pids.items():
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        assert EXPECTED_COMMANDS[name] in cmdline, (name, cmdline)
        assert is_running(pid), name
    assert f"http://127.0.0.1:{port}/" in running.output()

    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=20) == 0, running.output()
    assert wait_until_gone(pids) == [], running.output()


def test_run_stops_everything_when_a_child_dies(start_run: StartRun, run_env: dict[str, str]) -> None:
    port = free_port()
    # The port from the environment, as a deployment would give it.
    running = start_run(env={**run_env, "SCHOOLBRUG_PORT": str(port)})

    pids = running.child_pids()
    wait_for_health(port, running)
    os.kill(pids["worker"], signal.SIGKILL)

    assert running.process.wait(timeout=20) != 0
    assert wait_until_gone(pids) == [], running.output()
    assert "worker exited" in running.output()


def test_run_refuses_a_port_in_use(start_run: StartRun) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        running = start_run("--port", str(taken.getsockname()[1]))
        assert running.process.wait(timeout=20) != 0
    time.sleep(0.1)  # let the reader thread take the last lines
    assert "Choose another" in running.output()


def test_the_access_log_does_not_show_activation_or_reset_tokens(start_run: StartRun) -> None:
    port = free_port()
    running = start_run("--port", str(port))
    wait_for_health(port, running)
    token = "geheimtokenXYZ123_abc-def"
    for path in (f"/accounts/activate/{token}/", f"/accounts/password/reset/MQ/{token}/"):
        # 404: the token is unknown, but the path is logged all the same.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
    deadline = time.monotonic() + 10
    while "/accounts/password/reset/[hidden]/" not in running.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    output = running.output()
    assert "/accounts/activate/[hidden]/" in output, output
    assert "/accounts/password/reset/[hidden]/" in output, output
    assert token not in output, output
    running.process.send_signal(signal.SIGINT)
    running.process.wait(timeout=20)


def test_run_serves_friendly_error_pages_and_the_static_files_without_debug(
    start_run: StartRun, run_env: dict[str, str]
) -> None:
    port = free_port()
    running = start_run("--port", str(port))
    wait_for_health(port, running)

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/bestaat-niet/", timeout=5)
    page = missing.value.read().decode()
    assert missing.value.code == 404
    assert "Pagina niet gevonden" in page, page
    # Django's debug page would list every URL pattern of the site.
    assert "URLconf" not in page and "portal/" not in page, page

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/schoolbrug/app.css", timeout=5) as css:
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
    # Web Push works out of the box: the VAPID key was made once, readable by its owner only.
    key_file = Path(run_env["SCHOOLBRUG_VAR_DIR"]) / "vapid_private_key"
    assert key_file.is_file(), running.output()
    assert key_file.stat().st_mode & 0o777 == 0o600
    running.process.send_signal(signal.SIGINT)
    running.process.wait(timeout=20)
