"""System checks and the web process's start guard: several processes need a shared cache and
channel layer (schoolbrug.E021); SCHOOLBRUG_BASE_URL must be an http(s) address (E020)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from schoolbrug.core.checks import check_base_url, check_shared_state_for_several_processes, require_ready_to_serve

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:6379/0"}}
REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://x"]}}}


@override_settings(SCHOOLBRUG_WEB_PROCESSES=4, CACHES=LOCMEM, CHANNEL_LAYERS=IN_MEMORY_LAYER)
def test_several_processes_with_a_per_process_cache_are_an_error() -> None:
    [error] = check_shared_state_for_several_processes()
    assert error.id == "schoolbrug.E021"
    assert "REDIS_URL" in error.msg and "4 processes" in error.msg
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        require_ready_to_serve()


@override_settings(SCHOOLBRUG_WEB_PROCESSES=4, CACHES=REDIS_CACHE, CHANNEL_LAYERS=REDIS_LAYER)
def test_several_processes_with_redis_are_fine() -> None:
    assert check_shared_state_for_several_processes() == []
    require_ready_to_serve()


@override_settings(SCHOOLBRUG_WEB_PROCESSES=4, CACHES=REDIS_CACHE, CHANNEL_LAYERS=IN_MEMORY_LAYER)
def test_a_shared_cache_with_a_per_process_channel_layer_is_still_an_error() -> None:
    [error] = check_shared_state_for_several_processes()
    assert "InMemoryChannelLayer" in error.msg


@override_settings(SCHOOLBRUG_WEB_PROCESSES=1, CACHES=LOCMEM, CHANNEL_LAYERS=IN_MEMORY_LAYER)
def test_one_process_needs_no_redis() -> None:
    assert check_shared_state_for_several_processes() == []
    require_ready_to_serve()


@pytest.mark.parametrize("value", ["schoolbrug.example.nl", "ftp://school.nl"])
def test_a_base_url_that_is_no_web_address_is_an_error(value: str) -> None:
    with override_settings(SCHOOLBRUG_BASE_URL=value):
        [error] = check_base_url()
    assert error.id == "schoolbrug.E020"


@pytest.mark.parametrize("value", ["", "https://schoolbrug.example.nl", "http://127.0.0.1:8080/"])
def test_empty_or_web_address_base_url_is_fine(value: str) -> None:
    with override_settings(SCHOOLBRUG_BASE_URL=value):
        assert check_base_url() == []


def _run(code: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "SCHOOLBRUG_PRODUCTION": "1",
        "SCHOOLBRUG_SECRET_KEY": "k" * 60,
        "SCHOOLBRUG_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, *code], env=base | env, capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120
    )


def test_production_with_several_gunicorn_workers_and_no_redis_refuses_to_start(tmp_path: Path) -> None:
    # WEB_CONCURRENCY is where gunicorn and uvicorn take their number of workers from.
    check = _run(["manage.py", "check"], tmp_path, WEB_CONCURRENCY="3")
    assert check.returncode != 0
    assert "schoolbrug.E021" in check.stderr
    # The web process itself (gunicorn does not run the checks) refuses too; collected static
    # files are faked so that only the cache stops it.
    (tmp_path / "static").mkdir(exist_ok=True)
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    web = _run(["-c", "import config.wsgi"], tmp_path, SCHOOLBRUG_WEB_PROCESSES="2")
    assert web.returncode != 0
    assert "Set REDIS_URL" in web.stderr
    assert _run(["-c", "import config.wsgi"], tmp_path).returncode == 0
