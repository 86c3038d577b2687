"""The restore drill: a demo database backed up with deploy/backup.sh comes back whole with
deploy/restore.sh (PostgreSQL only; CI runs the suite on PostgreSQL too)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

BACKUP = Path(settings.BASE_DIR) / "deploy" / "backup.sh"
RESTORE = Path(settings.BASE_DIR) / "deploy" / "restore.sh"
KEY_TABLES = [
    "accounts_account",
    "sis_school",
    "sis_pupil",
    "sis_guardianship",
    "records_report",
    "records_reportsection",
    "django_migrations",
]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump/pg_restore drill: needs DATABASE_URL=postgres://… (CI runs it on PostgreSQL)",
    ),
]


def url_for(database: str) -> str:
    info = connection.settings_dict
    password = f":{info['PASSWORD']}" if info["PASSWORD"] else ""
    return f"postgres://{info['USER']}{password}@{info['HOST'] or '127.0.0.1'}:{info['PORT'] or 5432}/{database}"


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        # Fixed table names from KEY_TABLES, never input.
        rows = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone() for table in KEY_TABLES}  # noqa: S608
    return {table: row[0] for table, row in rows.items() if row is not None}


def drop(database: str) -> None:
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_named_database_with_the_same_rows_and_media(tmp_path: Path) -> None:
    call_command("demo", verbosity=0)
    media = tmp_path / "media"
    (media / "photos" / "2026").mkdir(parents=True)
    photo = media / "photos" / "2026" / "lieke.jpg"
    photo.write_bytes(os.urandom(50_000))
    source_url = url_for(connection.settings_dict["NAME"])
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": source_url,
        "SCHOOLBRUG_MEDIA_ROOT": str(media),
        "SCHOOLBRUG_BACKUP_DIR": str(tmp_path / "backups"),
    }

    backup = subprocess.run([BACKUP], env=env, capture_output=True, text=True, timeout=300)
    assert backup.returncode == 0, backup.stderr
    dump, media_tar = backup.stdout.split()[-2:]
    assert dump.endswith(".dump") and media_tar.endswith("-media.tar.gz")

    # The restore target is named after this run's database: schoolbrug_ops → schoolbrug_ops_restore.
    target = f"{os.environ.get('DATABASE_URL', '').rsplit('/', 1)[-1] or 'schoolbrug'}_restore"
    target_url = url_for(target)
    restored_media = tmp_path / "restored-media"
    drop(target)
    try:
        restore = subprocess.run(
            [RESTORE, dump, media_tar, target_url, str(restored_media)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restore.returncode == 0, restore.stderr

        expected = counts(source_url)
        assert expected["sis_pupil"] > 100 and expected["records_report"] > 0
        assert counts(target_url) == expected
        assert (restored_media / "photos" / "2026" / "lieke.jpg").read_bytes() == photo.read_bytes()

        # A second restore onto the now filled database is refused and changes nothing ...
        again = subprocess.run(
            [RESTORE, dump, media_tar, target_url, str(tmp_path / "other-media")],
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode == 1
        assert "already holds" in again.stderr
        assert not (tmp_path / "other-media").exists()
        # ... unless forced.
        forced = subprocess.run(
            [RESTORE, "--force", dump, media_tar, target_url, str(restored_media)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert forced.returncode == 0, forced.stderr
        assert counts(target_url) == expected
    finally:
        drop(target)


def test_backup_keeps_only_the_last_days(tmp_path: Path) -> None:
    """Retention removes Schoolbrug's own old backups and nothing else."""
    backups = tmp_path / "backups"
    backups.mkdir()
    old = [backups / "schoolbrug-20200101T000000Z.dump", backups / "schoolbrug-20200101T000000Z-media.tar.gz"]
    unrelated = backups / "notes.txt"
    for path in [*old, unrelated]:
        path.write_text("x")
        os.utime(path, (0, 0))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": url_for(connection.settings_dict["NAME"]),
        "SCHOOLBRUG_MEDIA_ROOT": str(tmp_path / "media"),
        "SCHOOLBRUG_BACKUP_DIR": str(backups),
        "SCHOOLBRUG_BACKUP_KEEP_DAYS": "7",
    }
    result = subprocess.run([BACKUP], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in old)
    assert unrelated.exists()
    assert len(list(backups.glob("schoolbrug-*.dump"))) == 1
