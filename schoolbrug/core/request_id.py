"""A request id for every request: taken from a sane incoming X-Request-ID (nginx sets one) or
made here, put into every log line written while the request is served
(schoolbrug.core.logging.RequestIdFilter) and sent back in the response's X-Request-ID header, so
an operator can find all lines of the request a user reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

from .logging import current_request_id, sane_request_id

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    # Both kinds: under uvicorn a sync-only first middleware would push the whole chain into a thread.
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        request_id = self._start(request)
        response: HttpResponseBase = self.get_response(request)
        response[HEADER] = request_id
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        request_id = self._start(request)
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        response = await get_response(request)
        response[HEADER] = request_id
        return response

    @staticmethod
    def _start(request: HttpRequest) -> str:
        request_id = sane_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Not reset on the way out: Django logs an error response ("Service Unavailable: /readyz")
        # after the middleware has returned. The request_finished signal clears it instead.
        current_request_id.set(request_id)
        return request_id


@receiver(request_finished, dispatch_uid="schoolbrug.core.request_id.clear")
def _clear_request_id(**kwargs: Any) -> None:
    current_request_id.set("-")
