"""`manage.py vapid_keys` and the key settings."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from schoolbrug.notifications.push.vapid import b64url_decode, contact_claim, public_key_for


def test_the_command_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    path = tmp_path / "var" / "vapid_private_key"
    out = io.StringIO()
    call_command("vapid_keys", file=str(path), stdout=out)
    key = path.read_text().strip()
    assert len(b64url_decode(key)) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_for(key) in out.getvalue()
    assert key not in out.getvalue()  # the secret is never printed

    # Run again: the key is kept (a new key would end every device's subscription).
    call_command("vapid_keys", file=str(path), stdout=io.StringIO())
    assert path.read_text().strip() == key
    path.chmod(0o644)
    call_command("vapid_keys", file=str(path), force=True, stdout=io.StringIO())
    assert path.read_text().strip() != key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    path.write_text("garbage")
    with pytest.raises(CommandError):
        call_command("vapid_keys", file=str(path), stdout=io.StringIO())


def test_settings_read_the_key_file_and_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "vapid_private_key"
    call_command("vapid_keys", file=str(path), stdout=io.StringIO())
    script = "from django.conf import settings; print(settings.SCHOOLBRUG_VAPID_PRIVATE_KEY)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLBRUG_VAPID")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SCHOOLBRUG_VAPID_KEY_FILE": str(path)}
    run = [sys.executable, "-c", "import django; django.setup(); " + script]
    from_file = subprocess.run(run, env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR)
    assert from_file.stdout.strip() == path.read_text().strip()
    env["SCHOOLBRUG_VAPID_PRIVATE_KEY"] = "from-the-environment"
    from_env = subprocess.run(run, env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR)
    assert from_env.stdout.strip() == "from-the-environment"


def test_the_vapid_contact_is_the_configured_address(settings: Any) -> None:
    settings.SCHOOLBRUG_PUSH_CONTACT = "Schoolbrug <noreply@debrug.example.nl>"
    assert contact_claim() == "mailto:noreply@debrug.example.nl"
    settings.SCHOOLBRUG_PUSH_CONTACT = "https://debrug.example.nl/contact"
    assert contact_claim() == "https://debrug.example.nl/contact"


def test_git_ignores_the_key_file() -> None:
    assert "var/" in (Path(settings.BASE_DIR) / ".gitignore").read_text().split()


def test_production_with_push_needs_a_real_contact(settings: Any) -> None:
    from schoolbrug.notifications.push.checks import push_configuration
    from schoolbrug.notifications.push.vapid import generate_private_key

    settings.PRODUCTION = True
    settings.SCHOOLBRUG_VAPID_PRIVATE_KEY = ""
    settings.SCHOOLBRUG_PUSH_CONTACT = "Schoolbrug <noreply@schoolbrug.localhost>"
    assert push_configuration() == []  # no push on this server: nobody to contact about it
    settings.SCHOOLBRUG_VAPID_PRIVATE_KEY = generate_private_key()
    assert [m.id for m in push_configuration()] == ["schoolbrug.W302"]
    settings.SCHOOLBRUG_PUSH_CONTACT = "beheer@debrug.nl"
    assert push_configuration() == []
    settings.SCHOOLBRUG_VAPID_PRIVATE_KEY = "not-a-key"
    assert [m.id for m in push_configuration()] == ["schoolbrug.W301"]
