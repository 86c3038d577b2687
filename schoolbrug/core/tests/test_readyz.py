"""/readyz: 200 when the database, cache, channel layer and the queues are fine, 503 naming the
failing check otherwise; each failure is a real broken configuration, not a mock."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schoolbrug.accounts.models import Account
from schoolbrug.core.testing import free_port
from schoolbrug.notifications.models import Delivery, NotificationKind
from schoolbrug.notifications.planning import Event
from schoolbrug.notifications.services import notify

pytestmark = pytest.mark.django_db


def closed_port_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def checks(response) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return response.json()["checks"]


def test_ready_when_everything_answers(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert set(checks(response)) == {"database", "cache", "channel_layer", "task_queue", "outbox"}
    assert all(check["ok"] for check in checks(response).values())


def test_not_ready_when_the_cache_is_down(client: Client) -> None:
    url = closed_port_redis()
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    ):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert checks(response)["cache"] == {"ok": False, "detail": "unavailable", "ms": checks(response)["cache"]["ms"]}
    assert checks(response)["database"]["ok"] is True
    assert url not in response.content.decode()


def test_not_ready_when_the_channel_layer_is_down(client: Client) -> None:
    url = closed_port_redis()
    layers = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}}
    with override_settings(CHANNEL_LAYERS=layers):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert checks(response)["channel_layer"]["ok"] is False
    assert checks(response)["cache"]["ok"] is True
    assert url not in response.content.decode()


def test_not_ready_when_a_due_delivery_waits_too_long(client: Client) -> None:
    guardian = Account.objects.create_account(kind="guardian", email="ouder@example.org", first_name="Ouder")
    notify([guardian], Event(kind=NotificationKind.BOOKING, title="Gesprek", text="Dinsdag", link="/portal/"))
    assert Delivery.objects.filter(state=Delivery.State.PENDING).exists()
    # Just queued: a worker has all the time of the threshold to send it.
    assert client.get("/readyz").status_code == 200

    stale = timezone.now() - timedelta(seconds=settings.SCHOOLBRUG_READY_BACKLOG_SECONDS + 5)
    Delivery.objects.update(next_attempt_at=stale)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert checks(response)["outbox"]["ok"] is False
    assert "waits" in str(checks(response)["outbox"]["detail"])
    # Sent rows never count, however old.
    Delivery.objects.update(state=Delivery.State.SENT)
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_queued_mail_waits_too_long(client: Client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from schoolbrug.core.mail_queue import mail_enqueue
    from schoolbrug.core.outgoing import EmailMessage

    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(EmailMessage(subject="Hallo", body="Tekst", to=["ouder@example.org"]))
    assert DBTaskResult.objects.count() == 1
    assert client.get("/readyz").status_code == 200

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/readyz")

    assert response.status_code == 503
    assert checks(response)["task_queue"]["ok"] is False


def test_not_ready_when_the_database_is_unreachable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A separate process whose DATABASE_URL points at a closed port."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz'); print(r.status_code); print(r.content.decode())"
    )
    url = f"postgres://nobody:geheim@127.0.0.1:{free_port()}/schoolbrug_none"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SCHOOLBRUG_VAR_DIR": str(tmp_path),
            "DATABASE_URL": url,
            "SCHOOLBRUG_LOG_LEVEL": "CRITICAL",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    status, body = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    payload = json.loads(body)
    assert payload["checks"]["database"]["ok"] is False
    assert payload["checks"]["cache"]["ok"] is True
    assert "geheim" not in body and "nobody" not in body


def test_readyz_is_not_throttled_like_logins(client: Client) -> None:
    for _ in range(30):
        assert client.get("/readyz", REMOTE_ADDR="10.9.9.9").status_code == 200
    assert client.post("/readyz").status_code == 405
