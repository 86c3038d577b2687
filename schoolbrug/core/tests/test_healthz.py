from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    # A load balancer must see the live state, never a cached "ok".
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client: Client) -> None:
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] != "ok"
    assert "connection refused" not in response.content.decode()  # the reason goes to the log only


def test_healthz_accepts_only_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
