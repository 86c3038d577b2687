"""A deleted row takes its files with it, once the deletion is committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import StoredFile
from .storage import private_storage


def delete_names(names: list[str]) -> None:
    for name in names:
        private_storage.delete(name)


@receiver(post_delete, sender=StoredFile)
def _delete_files_after_commit(sender: type[StoredFile], instance: StoredFile, **kwargs: Any) -> None:
    names = instance.storage_names()
    # After commit: a rolled-back deletion must still find its files.
    transaction.on_commit(lambda: delete_names(names))
