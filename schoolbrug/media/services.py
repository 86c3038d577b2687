"""Storing uploads: checked by content, cleaned, written to private storage under random names.

Callers (announcements, conversations) use this module and `serving`, nothing else:

    files = store_uploads(form.cleaned_data["files"], school=school, uploaded_by=request.user)
    ...  # save the post and link the files to it, in the same transaction
    mark_attached(files)

Files written inside a transaction that is then rolled back are deleted at once (see
`_RollbackGuard`); whatever escapes that (a process killed mid-request) is removed by the
periodic `delete_orphans` job.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolbrug.accounts.models import Account
from schoolbrug.sis.models import School

from . import inspection
from .models import StoredFile
from .signals import delete_names
from .storage import private_storage

logger = logging.getLogger(__name__)

MAX_FILES = 20
ORPHAN_AGE = timedelta(hours=24)
KINDS = (StoredFile.Kind.IMAGE, StoredFile.Kind.DOCUMENT)


def random_name(extension: str) -> str:
    # The server chooses every storage name: 128 random bits, nothing of the uploaded name.
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}{extension}"


def clean_original_name(name: str, extension: str) -> str:
    """The uploaded name without path parts or control characters, ending in `extension` (the
    stored type), so a download never opens as something else than it is."""
    plain = PurePath((name or "").replace("\\", "/")).name
    plain = "".join(char for char in unicodedata.normalize("NFC", plain) if unicodedata.category(char)[0] != "C")
    stem = plain.rsplit(".", 1)[0].strip(" .") if "." in plain else plain.strip(" .")
    return f"{(stem or 'file')[:200]}{extension}"


class _RollbackGuard:
    """Deletes the files written for a row when the transaction that wrote it is rolled back.

    Django has no rollback hook, but it drops the on-commit callbacks of a rolled-back
    transaction or savepoint. The guard is such a callback: run at commit, it keeps the files;
    dropped unrun, it is collected at once (CPython frees it with its last reference) and its
    finalizer deletes the files. Outside a transaction the callback runs immediately.
    """

    def __init__(self, names: list[str]) -> None:
        self._finalizer = weakref.finalize(self, delete_names, list(names))

    def __call__(self) -> None:
        self._finalizer.detach()


def _too_big(name: str) -> ValidationError:
    limit = settings.SCHOOLBRUG_MEDIA_MAX_FILE_BYTES
    return ValidationError(
        _("%(name)s is larger than %(size)s MB.") % {"name": name, "size": limit // (1024 * 1024)}, code="too_large"
    )


def _read(upload: IO[bytes], name: str, size: int | None) -> bytes:
    limit = settings.SCHOOLBRUG_MEDIA_MAX_FILE_BYTES
    if size is not None and size > limit:
        raise _too_big(name)  # refused before a byte is read
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(name)
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    return data


def store_upload(
    upload: IO[bytes],
    *,
    school: School,
    uploaded_by: Account | None,
    allowed_kinds: Sequence[str] = KINDS,
) -> StoredFile:
    """Checks one uploaded file by its content and stores it cleaned; raises ValidationError with
    a translated message naming the file. Call inside the transaction that saves the owner."""
    shown_name = PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).name or _("the file")
    data = _read(upload, shown_name, getattr(upload, "size", None))
    document = inspection.document_type(data, shown_name)
    unknown = ValidationError(
        _("%(name)s is not a photo or document we can accept (JPEG, PNG, WebP, GIF, HEIC, PDF or Office).")
        % {"name": shown_name},
        code="unknown_type",
    )
    if document is not None:
        if StoredFile.Kind.DOCUMENT not in allowed_kinds:
            raise ValidationError(_("%(name)s is not a photo.") % {"name": shown_name}, code="not_allowed")
        content, content_type, extension = data, document.content_type, document.extension
        kind, width, height = StoredFile.Kind.DOCUMENT, None, None
    elif inspection.is_image_candidate(data):
        image = inspection.clean_image(data, shown_name)
        if StoredFile.Kind.IMAGE not in allowed_kinds:
            raise ValidationError(_("%(name)s is not a document.") % {"name": shown_name}, code="not_allowed")
        content, content_type, extension = image.data, image.content_type, image.extension
        kind, width, height = StoredFile.Kind.IMAGE, image.width, image.height
    else:
        raise unknown
    name = private_storage.save(random_name(extension), ContentFile(content))
    transaction.on_commit(_RollbackGuard([name]))
    stored = StoredFile(
        school=school,
        uploaded_by=uploaded_by,
        kind=kind,
        original_name=clean_original_name(shown_name, extension),
        content_type=content_type,
        size=len(content),
        width=width,
        height=height,
    )
    stored.file.name = name
    stored.save()
    if kind == StoredFile.Kind.IMAGE:
        from .tasks import make_renditions  # the task module imports this one

        transaction.on_commit(lambda: make_renditions.enqueue(stored.pk))
    return stored


def store_uploads(
    uploads: Iterable[IO[bytes]],
    *,
    school: School,
    uploaded_by: Account | None,
    allowed_kinds: Sequence[str] = KINDS,
    max_files: int = MAX_FILES,
) -> list[StoredFile]:
    """Stores all files or none: every file is checked, and all problems are raised together."""
    uploads = list(uploads)
    if len(uploads) > max_files:
        raise ValidationError(
            _("Add at most %(count)s photos and files at once; you chose %(chosen)s.")
            % {"count": max_files, "chosen": len(uploads)},
            code="too_many_files",
        )
    stored: list[StoredFile] = []
    problems: list[ValidationError] = []
    with transaction.atomic():
        for upload in uploads:
            try:
                stored.append(store_upload(upload, school=school, uploaded_by=uploaded_by, allowed_kinds=allowed_kinds))
            except ValidationError as error:
                problems.append(error)
        if problems:
            # Leaving the block with an error rolls its rows back and drops their guards: the
            # files written so far are deleted with them.
            raise ValidationError(problems)
    return stored


def mark_attached(files: Iterable[StoredFile]) -> int:
    """Marks the files as belonging to a saved owner (one query); unmarked ones become orphans."""
    now = timezone.now()
    files = list(files)
    for stored in files:
        stored.attached_at = now
    return StoredFile.objects.filter(pk__in=[stored.pk for stored in files]).update(attached_at=now)


def delete_orphans(*, now: datetime | None = None) -> tuple[int, int]:
    """Deletes unattached rows older than a day (their files go after commit) and files in the
    private storage that no row names and that are older than a day; returns both counts."""
    now = now or timezone.now()
    cutoff = now - ORPHAN_AGE
    rows, _by_model = StoredFile.objects.filter(attached_at__isnull=True, created_at__lt=cutoff).delete()
    known: set[str] = set()
    for names in StoredFile.objects.values_list("file", "screen", "thumbnail").iterator():
        known.update(name for name in names if name)
    removed = 0
    for name in _walk(""):
        if name in known:
            continue
        try:
            modified = private_storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        # Young files may belong to a request still in its transaction.
        if modified < cutoff:
            private_storage.delete(name)
            removed += 1
    return rows, removed


def _walk(directory: str) -> Iterable[str]:
    try:
        directories, files = private_storage.listdir(directory)
    except FileNotFoundError:
        return
    for file in files:
        yield f"{directory}/{file}" if directory else file
    for sub in directories:
        yield from _walk(f"{directory}/{sub}" if directory else sub)
