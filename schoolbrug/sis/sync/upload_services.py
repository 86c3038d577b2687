"""The sync pages' writes: keep the uploaded files, confirm the preview, apply in the task worker.

An upload is planned again every time its preview is shown, and once more by the worker just
before it applies: the worker applies only when that plan has the same fingerprint as the
preview the administrator confirmed. When someone edited the records (or ran another sync) in
between, nothing is applied and the preview shows the new plan with a notice.

Confirming moves the upload from "uploaded" to "queued" in one conditional UPDATE, so a second
click (or a second tab) finds it queued and only shows the progress: one apply per upload.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import policies
from .service import FieldChange, SyncPlan
from .upload_models import SyncUpload, SyncUploadFile

logger = logging.getLogger(__name__)

# Files that were never applied are removed after this long (SECURITY: pupil data at rest).
KEEP_FOR = dt.timedelta(days=1)
MAX_FILES = 10
KINDS = ("pupils", "guardians", "groups", "staff")


def max_upload_bytes() -> int:
    # All files of one upload together; also the limit on what a zip may unpack to.
    return int(settings.SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES)


def file_problem(name: str, content: bytes) -> str:
    """Why a file cannot be part of a sync ("" when it can): only XML, CSV and zip files are read.
    Looks at the bytes, not at the name, so a renamed PDF or picture is refused too."""
    head = content[:4096]
    if not content.strip():
        return _("%(name)s is empty.") % {"name": name}
    if head.startswith(b"PK\x03\x04"):
        return _zip_problem(name, content)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return ""  # XML; the reader validates it (and refuses entities)
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return _("%(name)s is not an XML, CSV or zip file.") % {"name": name}
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut in the middle of a character at the 4096th byte is fine.
        if error.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return _("%(name)s is not an XML, CSV or zip file.") % {"name": name}
    if b"\n" not in head and b"," not in head and b";" not in head:
        return _("%(name)s is not an XML, CSV or zip file.") % {"name": name}
    return ""


def _zip_problem(name: str, content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return _("%(name)s is not a readable zip file.") % {"name": name}
    if unpacked > max_upload_bytes():
        # A zip bomb, or simply too much: refused before anything is unpacked.
        return _("%(name)s unpacks to more than %(limit)s MB; a sync accepts at most %(limit)s MB.") % {
            "name": name,
            "limit": max_upload_bytes() // (1024 * 1024),
        }
    return ""


def sync_upload_create(*, actor: Any, files: Sequence[tuple[str, bytes]]) -> SyncUpload:
    """Keeps the files of one export for the preview. The form has checked kind and size; this
    checks them again (a service never trusts its caller) and stores all or nothing."""
    staff = policies.application_admin_of(actor)
    if staff is None:
        raise PermissionDenied
    if not files:
        raise ValidationError(_("Choose at least one file."), code="empty")
    if len(files) > MAX_FILES:
        raise ValidationError(_("Upload at most %(count)s files at once.") % {"count": MAX_FILES}, code="too_many")
    if sum(len(content) for _name, content in files) > max_upload_bytes():
        raise ValidationError(too_big_message(), code="too_big")
    problems = [problem for name, content in files if (problem := file_problem(name, content))]
    if problems:
        raise ValidationError(problems, code="not_a_sync_file")
    sync_uploads_expire()
    with transaction.atomic():
        upload = SyncUpload.objects.create(school_id=staff.school_id, created_by=actor)
        SyncUploadFile.objects.bulk_create(
            SyncUploadFile(upload=upload, name=name, size=len(content), content=content) for name, content in files
        )
    return upload


def too_big_message() -> str:
    return _("The files are too big together: a sync accepts at most %(limit)s MB.") % {
        "limit": max_upload_bytes() // (1024 * 1024)
    }


def upload_files(upload: SyncUpload) -> list[tuple[str, bytes]]:
    return [(name, bytes(content)) for name, content in upload.files.order_by("pk").values_list("name", "content")]


def _canonical(value: Any) -> Any:
    """A JSON-able form of a plan that does not depend on the order of lists or on object identity."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Private fields (the plan's write list) repeat what the visible plan says; translated
        # texts (field names, notes, problems) differ by language, not by what would be written.
        skipped = {"applied", "notes", "issues", *(("label",) if isinstance(value, FieldChange) else ())}
        return {
            f.name: _canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_") and f.name not in skipped
        }
    if isinstance(value, models.Model):
        return [value._meta.label, value.pk]
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, (dt.date, dt.datetime, dt.time, decimal.Decimal)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def plan_fingerprint(plan: Any) -> str:
    """Equal for two plans that would write the same; the preview's form carries it to the apply."""
    text = json.dumps(_canonical(plan), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _enqueue(upload_id: int) -> None:
    from .tasks import apply_sync_upload  # the task module imports this one

    apply_sync_upload.enqueue(upload_id)


def sync_upload_confirm(*, actor: Any, upload: SyncUpload, fingerprint: str, language: str = "") -> SyncUpload:
    """Queues the apply of the preview the administrator saw. A second confirm changes nothing.

    `language`: the language the preview was shown in. The plan shows values as words of that
    language ("enrolled" → "left"), so the worker plans in it to compare like with like."""
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    if not policies.is_application_admin(actor, upload.school_id):
        raise PermissionDenied
    with transaction.atomic():
        queued = SyncUpload.objects.filter(pk=upload.pk, status=SyncUpload.Status.UPLOADED).update(
            status=SyncUpload.Status.QUEUED,
            step=SyncUpload.Step.WAITING,
            confirmed_plan=fingerprint[:64],
            applied_by=actor,
            queued_at=timezone.now(),
            language=language,
            stale=False,
        )
        if queued:
            upload_id = upload.pk
            transaction.on_commit(lambda: _enqueue(upload_id))
    upload.refresh_from_db()
    return upload


def _mark(upload_id: int, **fields: Any) -> None:
    SyncUpload.objects.filter(pk=upload_id).update(**fields)


def _finish(upload_id: int, *, status: str, outcome: str, remove_files: bool, **fields: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        if remove_files:
            SyncUploadFile.objects.filter(upload_id=upload_id).delete()
            fields["files_removed_at"] = now
        _mark(upload_id, status=status, outcome=outcome, finished_at=now, step=SyncUpload.Step.WAITING, **fields)


def counts_of(plan: SyncPlan) -> dict[str, dict[str, int]]:
    """Added, changed, left and unchanged per kind, kept for the result page."""
    return {
        kind: dict(zip(("added", "changed", "left", "unchanged"), part.counts(), strict=True))
        for kind, part in plan.kinds()
    }


def kind_labels() -> dict[str, str]:
    return {"pupils": _("Pupils"), "guardians": _("Guardians"), "groups": _("Groups"), "staff": _("Staff")}


def result_rows(upload: SyncUpload) -> list[dict[str, Any]]:
    labels = kind_labels()
    return [{"key": kind, "label": labels[kind], "counts": upload.counts.get(kind, {})} for kind in KINDS]


def plan_kinds(plan: SyncPlan) -> list[dict[str, Any]]:
    """The plan per kind for the preview, in the engine's order, with translated headings.
    Branches (EDEXML vestigingen) come last, only when the files list them; they are not part of
    the command's summary line."""
    labels = {**kind_labels(), "branches": _("Branches")}
    parts = list(plan.kinds())
    if any(plan.branches.counts()):
        parts.append(("branches", plan.branches))
    return [
        {
            "key": kind,
            "label": labels[kind],
            "added": part.added,
            "changed": part.changed,
            "left": part.left,
            "unchanged": len(part.unchanged),
        }
        for kind, part in parts
    ]


def sync_upload_discard(*, actor: Any, upload: SyncUpload) -> bool:
    """Removes the files of an upload the administrator does not want to apply."""
    if not policies.is_application_admin(actor, upload.school_id):
        raise PermissionDenied
    with transaction.atomic():
        discarded = SyncUpload.objects.filter(pk=upload.pk, status=SyncUpload.Status.UPLOADED).update(
            status=SyncUpload.Status.EXPIRED, files_removed_at=timezone.now()
        )
        if discarded:
            SyncUploadFile.objects.filter(upload_id=upload.pk).delete()
    return bool(discarded)


def sync_upload_run(*, upload_id: int) -> SyncUpload:
    """Applies a confirmed upload (called by the task worker). Safe to run again."""
    from . import engine

    upload = SyncUpload.objects.select_related("school", "applied_by").get(pk=upload_id)
    if upload.status != SyncUpload.Status.QUEUED:
        return upload  # done, or another worker has it
    claimed = SyncUpload.objects.filter(pk=upload_id, status=SyncUpload.Status.QUEUED).update(
        status=SyncUpload.Status.RUNNING, step=SyncUpload.Step.READING
    )
    if not claimed:
        return upload
    actor = upload.applied_by
    if actor is None or not policies.is_application_admin(actor, upload.school_id):
        # The administrator lost his rights after confirming: nothing is applied in his name.
        _finish(upload_id, status=SyncUpload.Status.FAILED, outcome=SyncUpload.Outcome.REFUSED, remove_files=True)
        upload.refresh_from_db()
        return upload
    try:
        with translation.override(upload.language or None):
            dataset = engine.read_files(upload_files(upload))
            _mark(upload_id, step=SyncUpload.Step.COMPARING)
            plan = engine.sync_plan(school=upload.school, dataset=dataset)
            issues = [str(issue) for issue in engine.plan_issues(plan)]
            if issues:
                _finish(
                    upload_id,
                    status=SyncUpload.Status.FAILED,
                    outcome=SyncUpload.Outcome.INVALID,
                    remove_files=False,
                    problems=issues,
                )
            elif plan_fingerprint(plan) != upload.confirmed_plan:
                # Back to the preview, which now shows the new plan and says why.
                _mark(upload_id, status=SyncUpload.Status.UPLOADED, step=SyncUpload.Step.WAITING, stale=True)
            else:
                _mark(upload_id, step=SyncUpload.Step.WRITING)
                applied = engine.sync_apply(actor=actor, school=upload.school, dataset=dataset)
                if not applied.applied:
                    # The plan under the apply's lock found a problem the preview had not: nothing written.
                    _finish(
                        upload_id,
                        status=SyncUpload.Status.FAILED,
                        outcome=SyncUpload.Outcome.INVALID,
                        remove_files=False,
                        problems=[str(issue) for issue in applied.issues],
                    )
                    upload.refresh_from_db()
                    return upload
                _finish(
                    upload_id,
                    status=SyncUpload.Status.DONE,
                    outcome=SyncUpload.Outcome.APPLIED,
                    remove_files=True,
                    counts=counts_of(applied),
                    summary=str(applied.summary())[:300],
                )
    except Exception:
        logger.exception("Sync upload %s failed; nothing was applied.", upload_id)
        _finish(upload_id, status=SyncUpload.Status.FAILED, outcome=SyncUpload.Outcome.ERROR, remove_files=False)
        raise
    upload.refresh_from_db()
    return upload


def sync_uploads_expire(now: dt.datetime | None = None) -> int:
    """Removes the files of uploads older than a day; returns how many uploads lost them."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    old = SyncUpload.objects.filter(created_at__lt=cutoff, files_removed_at__isnull=True)
    ids = list(old.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        SyncUploadFile.objects.filter(upload_id__in=ids).delete()
        SyncUpload.objects.filter(pk__in=ids, status__in=[SyncUpload.Status.UPLOADED, SyncUpload.Status.FAILED]).update(
            status=SyncUpload.Status.EXPIRED
        )
        # A worker that never came back a day later will not: the apply did not happen.
        SyncUpload.objects.filter(pk__in=ids, status__in=[SyncUpload.Status.QUEUED, SyncUpload.Status.RUNNING]).update(
            status=SyncUpload.Status.FAILED, outcome=SyncUpload.Outcome.ERROR, finished_at=timezone.now()
        )
        SyncUpload.objects.filter(pk__in=ids).update(files_removed_at=timezone.now())
    return len(ids)
