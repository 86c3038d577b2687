"""The private storage every stored file lives in: never below a public URL.

Files are reached only through `serving.serve_stored_file`, after the caller's own permission
check. The storage is the `STORAGES["private"]` alias (a directory under MEDIA_ROOT by default,
an S3 bucket through django-storages later), used through the storage API only.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_ALIAS = "private"


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_ALIAS]


private_storage: Storage = _PrivateStorage()  # type: ignore[assignment]


def get_private_storage() -> Storage:
    # A callable keeps the storage out of migrations and lets tests point it elsewhere.
    return private_storage


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty  # type: ignore[attr-defined]
