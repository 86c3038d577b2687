"""Collected static files in production.

Production stores static files with hashed names (`CompressedManifestStaticFilesStorage`): every
`{% static %}` looks its file up in the manifest that `collectstatic` writes. Without that
manifest every page would answer 500, so `manage.py run` collects when the copies are missing or
older than their sources, and a web process started any other way (gunicorn, uvicorn) refuses
to start without them, saying what to run. The embedded default serves the files straight from
the apps (WhiteNoise's finders) and needs neither.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command


def _manifest_path() -> Path | None:
    """Where the manifest lives, or None when the storage does not use one."""
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return None
    return Path(storage.manifest_storage.path(storage.manifest_name))


def static_needs_collecting() -> bool:
    """True when the storage needs collected files and they are missing or older than a source."""
    manifest = _manifest_path()
    if manifest is None:
        return False
    try:
        collected_at = manifest.stat().st_mtime
    except FileNotFoundError:
        return True
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if os.stat(storage.path(path)).st_mtime > collected_at:
                return True
    return False


def collect_static_if_needed() -> bool:
    """Runs `collectstatic` when `static_needs_collecting()`; True when it did."""
    if not static_needs_collecting():
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True


def require_collected_static() -> None:
    """Called where a web process starts (config/wsgi.py, config/asgi.py, through
    `schoolbrug.core.checks.require_ready_to_serve`)."""
    manifest = _manifest_path()
    if manifest is not None and not manifest.exists():
        raise ImproperlyConfigured(
            f"The static files have not been collected (no {manifest}). "
            "Run `manage.py collectstatic --noinput` before starting the web server "
            "(`manage.py run` does this itself)."
        )
