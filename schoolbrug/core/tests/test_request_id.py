"""Every request has an id: in the response header and in every log line written while serving it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from schoolbrug.core.logging import JsonFormatter, MaskSecretPathsFilter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():  # type: ignore[no-untyped-def]
    """The production handler (masking, request id, JSON) on the root logger, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskSecretPathsFilter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_sane_incoming_request_id_is_kept_and_returned(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c")
    assert response["X-Request-ID"] == "nginx-4f2a9c"


@pytest.mark.parametrize("bad", ["", "a b", 'x"}{', "x" * 129, "line\nbreak", "ø"])
def test_an_insane_incoming_request_id_is_replaced(client: Client, bad: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_without_an_incoming_id_each_request_gets_its_own(client: Client) -> None:
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_every_log_line_of_a_request_carries_its_id_as_json(client: Client, json_lines) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/activate/geheim-token-123/", HTTP_X_REQUEST_ID="req-1234")
    lines = json_lines()

    assert response["X-Request-ID"] == "req-1234"
    # Django's own "Gone"/"Not Found" line comes after the middleware returned; it has the id too.
    request_lines = [line for line in lines if line["logger"] == "django.request"]
    assert request_lines, lines
    assert all(line["request_id"] == "req-1234" for line in request_lines)
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    assert "geheim-token-123" not in json.dumps(lines)
    # After the request, lines have no request id.
    logging.getLogger("schoolbrug.test").warning("between requests")
    assert json_lines()[-1]["request_id"] == "-"
