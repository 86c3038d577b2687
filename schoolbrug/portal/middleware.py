"""Read-only "log in as guardian" sessions (POR-12)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from .policies import impersonation

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ImpersonationReadOnlyMiddleware:
    """While an administrator looks at a guardian's portal, nothing may change anywhere: every
    unsafe request is refused, except stopping the impersonation and logging out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and impersonation(request) is not None:
            allowed = {reverse("portal:impersonate-stop"), reverse("accounts:logout")}
            if request.path not in allowed:
                body = render_to_string("portal/impersonation_refused.html", request=request)
                return HttpResponse(body, status=403)
        return self.get_response(request)
