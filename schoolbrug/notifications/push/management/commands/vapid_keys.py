"""`manage.py vapid_keys`: make the VAPID key pair for Web Push, kept out of git."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...vapid import generate_private_key, public_key_for, write_key_file


class Command(BaseCommand):
    help = (
        "Generate the VAPID key pair for Web Push into var/vapid_private_key (mode 0600). "
        "An existing key is kept unless --force: a new key ends every device's subscription."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="replace an existing key")
        parser.add_argument("--file", default=None, help="where to write (default: SCHOOLBRUG_VAPID_KEY_FILE)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"] or settings.SCHOOLBRUG_VAPID_KEY_FILE)
        if path.exists() and not options["force"]:
            private = path.read_text().strip()
            try:
                public = public_key_for(private)
            except Exception as error:
                raise CommandError(f"{path} holds no valid VAPID key; use --force to replace it.") from error
            self.stdout.write(f"Kept the existing key in {path}.")
        else:
            private = generate_private_key()
            write_key_file(path, private)
            public = public_key_for(private)
            self.stdout.write(f"Wrote a new VAPID private key to {path} (readable by its owner only).")
        self.stdout.write(f"Public key (applicationServerKey): {public}")
        self.stdout.write(
            "Web processes and workers read the key from SCHOOLBRUG_VAPID_PRIVATE_KEY or from this file; "
            "restart them to use it."
        )
