"""Settings come from the environment, each with a default, and the README lists every one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SETTINGS_SOURCE = Path(settings.BASE_DIR) / "config" / "settings.py"
README = Path(settings.BASE_DIR) / "README.md"
SOURCE = Path(settings.BASE_DIR) / "schoolbrug"


def _settings(tmp_path: Path, names: list[str], **env: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print(s.{name})" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "SCHOOLBRUG_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
        | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


LIMITS = [
    "SCHOOLBRUG_SINGLE_INVITATIONS_PER_HOUR",
    "SCHOOLBRUG_INVITATION_BATCHES_PER_HOUR",
    "SCHOOLBRUG_EXPORTS_PER_HOUR",
    "SCHOOLBRUG_WEB_PROCESSES",
]


def test_limits_are_settings_with_defaults_and_read_from_the_environment(tmp_path: Path) -> None:
    assert _settings(tmp_path, LIMITS) == ["60", "10", "30", "1"]
    assert _settings(tmp_path, LIMITS, **{name: str(n) for n, name in enumerate(LIMITS, start=2)}) == [
        "2",
        "3",
        "4",
        "5",
    ]
    assert _settings(tmp_path, ["SCHOOLBRUG_WEB_PROCESSES"], WEB_CONCURRENCY="4") == ["4"]


def test_a_malformed_limit_stops_the_start_with_its_name(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"SCHOOLBRUG_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "SCHOOLBRUG_EXPORTS_PER_HOUR": "veel"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "SCHOOLBRUG_EXPORTS_PER_HOUR must be a whole number" in result.stderr


def test_the_readme_lists_every_environment_variable_the_settings_read() -> None:
    read = set(re.findall(r"\"((?:SCHOOLBRUG|WEB|REDIS|DATABASE)_[A-Z_]+)\"", SETTINGS_SOURCE.read_text()))
    table = README.read_text().split("## Configuration", 1)[1]
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert missing == []


def test_code_reads_settings_without_private_fallbacks() -> None:
    """A default hidden in `getattr(settings, name, default)` is a setting nobody can find."""
    offenders = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and "getattr(settings," in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
