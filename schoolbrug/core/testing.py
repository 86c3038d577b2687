"""Test helpers shared by every app."""

from __future__ import annotations

import email
import email.message
import email.policy
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


class QueryCountMismatch(AssertionError):
    pass


@contextmanager
def count_queries(using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connections[using]) as context:
        yield context


def assert_same_query_count(first: CaptureQueriesContext, second: CaptureQueriesContext, label: str = "") -> None:
    """Fails with both SQL listings when a page's query count grows with its data."""
    if len(first) != len(second):

        def listing(ctx: CaptureQueriesContext) -> str:
            return "\n".join(f"  {i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, start=1))

        raise QueryCountMismatch(
            f"{label}: {len(first)} queries with little data, {len(second)} with more.\n"
            f"Small:\n{listing(first)}\nLarge:\n{listing(second)}"
        )


def run_task_worker(*, backend_name: str = "default") -> int:
    """Runs the database task worker on every task that is due, in this process and inside the
    test's transaction, as `manage.py db_worker --batch` would; returns how many it ran.

    The worker's own loop closes "old" connections between tasks, which would end a test's
    transaction, so this drives the worker's claim-and-run steps directly.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().filter(backend_name=backend_name).get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_mailers(port: int, **options: Any) -> dict[str, dict[str, Any]]:
    """MAILERS that deliver over SMTP to 127.0.0.1:`port` through the recording backend."""
    delivery = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5}
    return {
        "default": {
            "BACKEND": "schoolbrug.core.mail.RecordingBackend",
            "OPTIONS": {
                "delivery_backend": "django.core.mail.backends.smtp.EmailBackend",
                "delivery_options": delivery,
                **options,
            },
        }
    }


class SmtpInbox:
    """A real SMTP server (aiosmtpd, a dev dependency) on 127.0.0.1:`port` that keeps every
    message it accepts. `start()` and `stop()` model a mail server coming up and going down."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        # An SMTP answer such as "550 No such mailbox" to give every recipient instead of taking it.
        self.refuse_with = ""
        self._controller: Any = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every SMTP command at INFO; only problems matter in tests.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @staticmethod
    def text_of(message: email.message.EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        # SMTP carries CRLF line ends; compare text as the reader sees it.
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]
