"""`manage.py run`: the whole embedded Schoolbrug in one command.

Collects the static files first when production needs them and they are missing or out of date.
Then starts the ASGI web server (uvicorn), the task worker (`db_worker`), the scheduler loop
(`run_scheduler`) and the notification outbox worker (`run_notifications`) as child processes,
prefixes their output with their name, and stops them all together: on Ctrl-C or SIGTERM, or as
soon as one of them dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from schoolbrug.core.static import collect_static_if_needed, static_needs_collecting

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# How long the children get to finish their current request, task or job before being killed.
GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def _env_port() -> int:
    value = os.environ.get("SCHOOLBRUG_PORT", str(DEFAULT_PORT))
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"SCHOOLBRUG_PORT must be a port number, not {value!r}.") from None


def _die_with_parent_hook() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when `run` itself dies (even by SIGKILL).

    The children live in their own process groups (so that Ctrl-C reaches them once, through us),
    which also means nothing else would stop them if we were killed without a chance to clean up.
    """
    if not sys.platform.startswith("linux"):
        return None
    # Loaded here, before fork: loading a library in the forked child is not safe.
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

    def hook() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[str] | None = None
    reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)


class Command(BaseCommand):
    help = "Run Schoolbrug: the web server, the task worker and the scheduler, until Ctrl-C."
    # The children run the system checks themselves; doing them here too only slows the start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("SCHOOLBRUG_HOST", DEFAULT_HOST),
            help="Address to serve on (default: SCHOOLBRUG_HOST or %(default)s).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help=f"Port to serve on (default: SCHOOLBRUG_PORT or {DEFAULT_PORT}).",
        )

    def handle(self, *args: Any, host: str, port: int | None, **options: Any) -> None:
        port = _env_port() if port is None else port
        self._ensure_port_free(host, port)
        self.check_migrations()
        if not settings.SCHOOLBRUG_VAPID_PRIVATE_KEY and not settings.PRODUCTION:
            # The embedded default is a small school's real installation: Web Push works out of the
            # box. The children read the key file when they load the settings. In production the
            # operator provides the key to every process (docs/operations.md).
            call_command("vapid_keys", stdout=self.stdout)
        if static_needs_collecting():
            # Production pages look every static file up in the manifest collectstatic writes.
            self.stdout.write("Collecting static files ...")
            collect_static_if_needed()

        python = sys.executable
        asgi_module, _, asgi_attribute = settings.ASGI_APPLICATION.rpartition(".")
        children = [
            Child(
                "web",
                [
                    python,
                    "-m",
                    "uvicorn",
                    f"{asgi_module}:{asgi_attribute}",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    # Channels' router does not speak the lifespan protocol; saying so keeps the log clean.
                    "--lifespan",
                    "off",
                    # Open WebSockets must not hold a shutdown up past the grace period.
                    "--timeout-graceful-shutdown",
                    str(int(GRACE_SECONDS / 2)),
                ],
            ),
            # --no-reload: under the autoreloader (its default when DEBUG is on) the worker runs as a
            # grandchild that our signals would not reach cleanly.
            Child(
                "worker",
                [python, "-m", "django", "db_worker", "--no-startup-delay", "--no-reload", "--queue-name", "*"],
            ),
            Child("scheduler", [python, "-m", "django", "run_scheduler"]),
            # The notification outbox (e-mail, push): its own loop, so a slow mail server never
            # holds up the task queue.
            Child("notifications", [python, "-m", "django", "run_notifications"]),
        ]
        self._output_lock = threading.Lock()
        self._stop_signal: int | None = None
        self._signals_seen = 0

        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._start(children)
            display_host = f"[{host}]" if ":" in host else host
            self._say(
                f"Schoolbrug serves at http://{display_host}:{port}/ "
                f"(web pid {children[0].pid}, worker pid {children[1].pid}, scheduler pid {children[2].pid}, "
                f"notifications pid {children[3].pid}). "
                "Press Ctrl-C to stop."
            )
            failed = self._supervise(children)
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None:
            raise CommandError(f"{failed.name} stopped unexpectedly; stopped the others too.")
        self._say("Schoolbrug stopped.")

    # -- starting -----------------------------------------------------------------------------

    def _ensure_port_free(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # SO_REUSEADDR as uvicorn sets it, so a port in TIME_WAIT after a restart counts as free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as error:
                raise CommandError(
                    f"Cannot serve on {host}:{port} ({error.strerror}). Choose another with --port or SCHOOLBRUG_PORT."
                ) from None

    def _start(self, children: list[Child]) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
            # Without it the children's log lines would reach us in bursts when their buffers fill.
            "PYTHONUNBUFFERED": "1",
        }
        preexec = _die_with_parent_hook()
        # All children are started before any reader thread: forking with threads running is unsafe
        # with a preexec_fn.
        for child in children:
            child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
                child.argv,
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                errors="replace",
                # Our own group each: a Ctrl-C in the terminal reaches only us, and we pass it on
                # exactly once (db_worker treats a second signal as "kill the running task now").
                process_group=0,
                preexec_fn=preexec,
            )
        for child in children:
            assert child.process is not None and child.process.stdout is not None
            child.reader = threading.Thread(
                target=self._relay, args=(child.name, child.process.stdout), daemon=True, name=f"relay-{child.name}"
            )
            child.reader.start()

    def _relay(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self._say(f"{name:<9} | {line.rstrip()}")

    def _say(self, message: str) -> None:
        with self._output_lock, contextlib.suppress(ValueError, OSError):
            # A closed terminal must not take the supervisor down with it.
            self.stdout.write(message)
            self.stdout.flush()

    # -- running and stopping -------------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals_seen += 1
        self._stop_signal = signum

    def _supervise(self, children: list[Child]) -> Child | None:
        """Wait for a stop signal (returns None) or for a child to exit (returns that child)."""
        while self._stop_signal is None:
            for child in children:
                if not child.alive():
                    assert child.process is not None
                    self._say(f"{child.name} exited with code {child.process.returncode}; stopping the others.")
                    return child
            time.sleep(0.2)
        self._say(f"Stopping ({signal.strsignal(self._stop_signal)}) ...")
        return None

    def _stop(self, children: list[Child]) -> None:
        signals_before = self._signals_seen
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(child.alive() for child in children):
            # A second Ctrl-C means "now": do not wait for the grace period.
            if time.monotonic() > deadline or self._signals_seen > signals_before:
                for child in children:
                    if child.alive():
                        self._say(f"{child.name} did not stop in time; killing it.")
                        child.signal(signal.SIGKILL)
                break
            time.sleep(0.1)
        for child in children:
            if child.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=5)
            if child.reader is not None:
                child.reader.join(timeout=2)
