"""deploy/ matches the settings: every variable is in the environment example, the units run the
processes the operations guide names, nginx hides protected media; the media and log settings
switch by environment variables."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
DEPLOY = BASE / "deploy"
ENV_NAME = re.compile(r"\"((?:SCHOOLBRUG|WEB|REDIS|DATABASE)_[A-Z0-9_]+)\"")


def read_by_settings() -> set[str]:
    return set(ENV_NAME.findall((BASE / "config" / "settings.py").read_text()))


def test_the_environment_example_and_the_readme_list_every_variable_the_settings_read() -> None:
    example = (DEPLOY / "schoolbrug.env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert sorted(read_by_settings() - listed) == []
    table = (BASE / "README.md").read_text().split("## Configuration", 1)[1]
    assert sorted(name for name in read_by_settings() if f"`{name}`" not in table) == []


def test_units_run_unique_workers_one_scheduler_and_the_outbox() -> None:
    units = DEPLOY / "systemd"
    worker = (units / "schoolbrug-worker@.service").read_text()
    assert re.search(r"db_worker --no-reload .*--worker-id %H-%i", worker)
    assert "run_scheduler" in (units / "schoolbrug-scheduler.service").read_text()
    assert "run_notifications" in (units / "schoolbrug-notifications@.service").read_text()
    assert "gunicorn config.wsgi:application" in (units / "schoolbrug-web.service").read_text()
    assert "uvicorn config.asgi:application" in (units / "schoolbrug-ws.service").read_text()
    for unit in units.glob("schoolbrug-*.service"):
        assert "EnvironmentFile=/etc/schoolbrug/schoolbrug.env" in unit.read_text(), unit.name


def test_nginx_routes_sockets_and_keeps_protected_media_internal() -> None:
    site = (DEPLOY / "nginx" / "schoolbrug.conf").read_text()
    ws = site.split("location /ws/", 1)[1].split("}", 1)[0]
    assert "proxy_set_header Upgrade" in ws and "$connection_upgrade" in ws
    protected = site.split("location /_protected/", 1)[1].split("}", 1)[0]
    assert "internal;" in protected
    assert re.search(r"client_max_body_size \d+m;", site)
    assert "proxy_set_header X-Request-ID      $request_id;" in site


def _settings(tmp_path: Path, expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "SCHOOLBRUG_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        | env,
        capture_output=True,
        text=True,
        cwd=BASE,
        timeout=60,
    )


def test_media_storage_switches_to_s3_by_environment(tmp_path: Path) -> None:
    local = _settings(tmp_path, 's.STORAGES["default"]["BACKEND"]')
    assert local.stdout.strip() == "django.core.files.storage.FileSystemStorage"
    s3 = _settings(
        tmp_path,
        's.STORAGES["default"]["BACKEND"], s.STORAGES["default"]["OPTIONS"]["bucket_name"], '
        's.STORAGES["default"]["OPTIONS"]["endpoint_url"], s.STORAGES["default"]["OPTIONS"]["default_acl"]',
        SCHOOLBRUG_MEDIA_STORAGE="s3",
        SCHOOLBRUG_S3_BUCKET="schoolbrug-media",
        SCHOOLBRUG_S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert s3.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "schoolbrug-media",
        "https://s3.example.net",
        "private",
    ]
    wrong = _settings(tmp_path, "1", SCHOOLBRUG_MEDIA_STORAGE="ftp")
    assert wrong.returncode != 0 and "SCHOOLBRUG_MEDIA_STORAGE must be 'local' or 's3'" in wrong.stderr


def test_logs_are_json_in_production_and_plain_on_request(tmp_path: Path) -> None:
    expression = 's.LOGGING["handlers"]["console"]["formatter"]'
    assert _settings(tmp_path, expression).stdout.strip() == "plain"
    production = {"SCHOOLBRUG_PRODUCTION": "1", "SCHOOLBRUG_SECRET_KEY": "x" * 50}
    assert _settings(tmp_path, expression, **production).stdout.strip() == "json"
    assert _settings(tmp_path, expression, **production, SCHOOLBRUG_LOG_FORMAT="plain").stdout.strip() == "plain"


def test_persistent_connections_are_health_checked(tmp_path: Path) -> None:
    result = _settings(
        tmp_path,
        's.DATABASES["default"]["CONN_MAX_AGE"], s.DATABASES["default"]["CONN_HEALTH_CHECKS"]',
        SCHOOLBRUG_DB_CONN_MAX_AGE="60",
    )
    assert result.stdout.split() == ["60", "True"]
