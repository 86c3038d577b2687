"""System checks on the deployment, and the guard a web process runs before it serves.

schoolbrug.E020  SCHOOLBRUG_BASE_URL is not an http(s) address.
schoolbrug.E021  Several processes serve the site (SCHOOLBRUG_WEB_PROCESSES, or WEB_CONCURRENCY
                 which gunicorn and uvicorn take their worker count from) while the cache or the
                 channel layer lives inside each process (no REDIS_URL). Each process would then
                 count login and 2FA failures on its own (throttling multiplied by the number of
                 processes) and WebSocket events would reach only the users of one process.

Management commands (migrate, db_worker, run_scheduler, check) run these checks; gunicorn and
uvicorn do not, so config/wsgi.py and config/asgi.py call `require_ready_to_serve()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .static import require_collected_static

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
PER_PROCESS_CHANNEL_LAYERS = {"channels.layers.InMemoryChannelLayer"}


def per_process_state_problem() -> str:
    """Why several processes cannot serve with these settings, or "" when they can (or need not)."""
    processes = int(settings.SCHOOLBRUG_WEB_PROCESSES)
    if processes <= 1:
        return ""
    cache = settings.CACHES.get("default", {}).get("BACKEND", "")
    layer = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    local = [name for name in (cache, layer) if name in PER_PROCESS_CACHES | PER_PROCESS_CHANNEL_LAYERS]
    if not local:
        return ""
    return (
        f"{processes} processes serve this site (SCHOOLBRUG_WEB_PROCESSES or WEB_CONCURRENCY), but the cache "
        f"and channel layer live inside each process ({', '.join(local)}): login throttling would count per "
        "process and WebSocket events would not reach every user. Set REDIS_URL, or serve with one process."
    )


@checks.register(checks.Tags.caches)
def check_shared_state_for_several_processes(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = per_process_state_problem()
    if not problem:
        return []
    return [checks.Error(problem, hint="e.g. REDIS_URL=redis://127.0.0.1:6379/0", id="schoolbrug.E021")]


@checks.register(checks.Tags.compatibility)
def check_base_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    configured = str(settings.SCHOOLBRUG_BASE_URL).strip()
    if not configured or configured.startswith(("https://", "http://")):
        return []
    return [
        checks.Error(
            f"SCHOOLBRUG_BASE_URL must start with https:// or http://, not {configured!r}.",
            hint="For example SCHOOLBRUG_BASE_URL=https://schoolbrug.example.nl",
            id="schoolbrug.E020",
        )
    ]


def require_ready_to_serve() -> None:
    """Called where a web process starts: refuses, saying why, what would fail on every request."""
    require_collected_static()
    problem = per_process_state_problem()
    if problem:
        raise ImproperlyConfigured(problem)
