"""Collected static files: `manage.py run` collects them when production needs them, and a web
process started without them refuses to start with a clear message (instead of a 500 on every
page)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.test import override_settings

from schoolbrug.core.static import collect_static_if_needed, require_collected_static, static_needs_collecting

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture
def manifest_storage(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Production's kind of storage (without the slow compression) into a throwaway STATIC_ROOT,
    with one extra source directory the test may change."""
    extra = tmp_path / "source"
    extra.mkdir()
    (extra / "extra.css").write_text("body { color: black; }\n")
    with override_settings(
        STATIC_ROOT=tmp_path / "static",
        STATICFILES_DIRS=[*settings.STATICFILES_DIRS, extra],
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}},
    ):
        yield extra


def test_the_embedded_default_serves_from_the_apps_and_collects_nothing() -> None:
    assert settings.WHITENOISE_USE_FINDERS
    assert not static_needs_collecting()
    require_collected_static()


def test_missing_collected_files_stop_the_web_process_with_a_clear_message(manifest_storage: Path) -> None:
    assert static_needs_collecting()
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        require_collected_static()


def test_collects_when_missing_or_out_of_date_and_only_then(manifest_storage: Path) -> None:
    assert collect_static_if_needed()
    require_collected_static()
    assert not static_needs_collecting()
    assert static("schoolbrug/app.css") != "/static/schoolbrug/app.css"  # the hashed name
    assert not collect_static_if_needed()

    # A source changed after the last collection (an update of Schoolbrug).
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    earlier = (manifest_storage / "extra.css").stat().st_mtime - 60
    os.utime(manifest, (earlier, earlier))
    assert static_needs_collecting()
    assert collect_static_if_needed()
    assert not static_needs_collecting()


def test_a_production_web_process_without_collected_files_refuses_to_start(tmp_path: Path) -> None:
    env = {
        "SCHOOLBRUG_PRODUCTION": "1",
        "SCHOOLBRUG_SECRET_KEY": "k" * 60,
        "SCHOOLBRUG_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode != 0
    assert "The static files have not been collected" in result.stderr
    assert "collectstatic" in result.stderr
