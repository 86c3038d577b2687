"""Orphans never stay: rolled-back uploads, unattached uploads after a day, files without a row;
and the renditions the task worker makes."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from schoolbrug.core.testing import run_task_worker
from schoolbrug.media.jobs import delete_orphan_files
from schoolbrug.media.models import StoredFile
from schoolbrug.media.services import mark_attached, store_upload, store_uploads
from schoolbrug.media.storage import private_storage
from schoolbrug.media.tasks import make_renditions
from schoolbrug.media.testing import jpeg_upload, pdf_upload
from schoolbrug.sis.models import School


def files_on_disk(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(school: School, private_media: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        stored = store_upload(jpeg_upload(), school=school, uploaded_by=None)
        assert private_storage.exists(str(stored.file))
        raise RuntimeError("the post's form failed after the upload")
    assert files_on_disk(private_media) == set()
    assert not StoredFile.objects.exists()


def test_a_committed_upload_keeps_its_file(
    school: School, private_media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stored = store_upload(pdf_upload(), school=school, uploaded_by=None)
    assert files_on_disk(private_media) == {str(stored.file)}


def test_mark_attached_marks_all_files_in_one_query(school: School, django_assert_num_queries: Any) -> None:
    files = [store_upload(jpeg_upload(), school=school, uploaded_by=None) for _ in range(3)]
    with django_assert_num_queries(1):
        assert mark_attached(files) == 3
    assert StoredFile.objects.filter(attached_at__isnull=True).count() == 0
    assert all(stored.attached_at for stored in files)


def test_deleting_a_row_deletes_its_files_after_commit(
    school: School, private_media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        stored = store_upload(jpeg_upload(), school=school, uploaded_by=None)
    make_renditions.call(stored.pk)
    stored.refresh_from_db()
    assert len(files_on_disk(private_media)) == 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored.delete()
        assert len(files_on_disk(private_media)) == 3  # not before the commit
    for callback in callbacks:
        callback()
    assert files_on_disk(private_media) == set()


def _age(path: Path, hours: int) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def test_the_cleanup_job_removes_old_orphans_and_keeps_attached_and_young_files(
    school: School, private_media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        attached = store_upload(jpeg_upload(), school=school, uploaded_by=None)
        orphan = store_upload(pdf_upload(), school=school, uploaded_by=None)
        young = store_upload(pdf_upload(), school=school, uploaded_by=None)
    mark_attached([attached])
    old = timezone.now() - timedelta(hours=25)
    StoredFile.objects.filter(pk__in=[attached.pk, orphan.pk]).update(created_at=old)
    stray_old = private_storage.save("ab/stray-old.jpg", ContentFile(b"x"))
    stray_young = private_storage.save("ab/stray-young.jpg", ContentFile(b"x"))
    for name in (stray_old, str(attached.file), str(young.file), str(orphan.file)):
        _age(private_media / name, 30)

    with django_capture_on_commit_callbacks(execute=True):
        delete_orphan_files()

    assert set(StoredFile.objects.values_list("pk", flat=True)) == {attached.pk, young.pk}
    assert files_on_disk(private_media) == {str(attached.file), str(young.file), stray_young}


def _big_photo() -> Any:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), "orange").save(out, format="JPEG")
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("uitje.jpg", out.getvalue())


def test_the_task_worker_makes_a_screen_and_a_thumbnail_rendition_once(
    school: School, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        stored = store_upload(_big_photo(), school=school, uploaded_by=None)
        store_upload(pdf_upload(), school=school, uploaded_by=None)  # documents get none
    assert not stored.screen and not stored.thumbnail
    assert run_task_worker() == 1
    stored.refresh_from_db()
    sizes = {}
    for field in ("screen", "thumbnail"):
        with private_storage.open(str(getattr(stored, field)), "rb") as handle, Image.open(handle) as image:
            sizes[field] = (image.format, image.size)
    assert sizes == {"screen": ("WEBP", (1600, 800)), "thumbnail": ("WEBP", (400, 400))}

    names = (str(stored.screen), str(stored.thumbnail))
    make_renditions.call(stored.pk)
    stored.refresh_from_db()
    assert (str(stored.screen), str(stored.thumbnail)) == names
    assert len(list(private_storage.listdir(names[0].split("/")[0])[1])) >= 1


def test_several_uploads_committed_together_get_renditions_each(
    school: School, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        files = store_uploads([jpeg_upload(), jpeg_upload()], school=school, uploaded_by=None)
    assert run_task_worker() == 2
    assert all(StoredFile.objects.get(pk=stored.pk).thumbnail for stored in files)
