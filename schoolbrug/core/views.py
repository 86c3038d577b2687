from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import readiness


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Each kind of account has its own home; the URL names keep core free of feature imports.
    if getattr(request.user, "is_guardian", False):
        return redirect("portal:home")
    return redirect("staff:overview")


@login_required
def more(request: HttpRequest) -> HttpResponse:
    """The staff app shell's "More": everything that is not one of the main destinations.
    Guardians have their own (portal:more), which also serves an administrator looking as one."""
    if getattr(request.user, "is_guardian", False):
        return redirect("portal:more")
    return render(request, "more.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"; the reason goes to the log
        import logging

        logging.getLogger(__name__).exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers and no backlog is too old, else 503; no secrets."""
    results = readiness.run_checks()
    ready = all(result.ok for result in results)
    body = {
        "status": "ok" if ready else "error",
        "checks": {
            result.name: {"ok": result.ok, "detail": result.detail, "ms": result.milliseconds} for result in results
        },
    }
    return JsonResponse(body, status=200 if ready else 503)
