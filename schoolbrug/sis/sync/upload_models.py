"""Files uploaded for a sync (SIS-9), kept between the preview and the apply.

The bytes live in the database, not under MEDIA: nothing can ever serve them, they are removed
with the upload's row (or when the apply is done), and a web process and a task worker on other
machines both reach them. An upload holds the files of one export (a few megabytes at most, see
`SCHOOLBRUG_SYNC_UPLOAD_MAX_BYTES`), for a day at most (`upload_services.KEEP_FOR`).

The upload row outlives its files: it is the record of what the apply did, shown on its page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import School


class SyncUpload(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("waiting for your check")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being applied")
        DONE = "done", _("applied")
        FAILED = "failed", _("not applied")
        EXPIRED = "expired", _("expired")

    class Step(models.TextChoices):
        # What the worker is doing now, shown on the progress page.
        WAITING = "", _("waiting for the task worker")
        READING = "reading", _("reading the files")
        COMPARING = "comparing", _("comparing with the records")
        WRITING = "writing", _("writing the changes")

    class Outcome(models.TextChoices):
        NONE = "", _("none")
        APPLIED = "applied", _("applied")
        STALE = "stale", _("the records changed since the preview")
        INVALID = "invalid", _("the files have problems")
        REFUSED = "refused", _("no longer allowed")
        ERROR = "error", _("an unexpected error")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sync_uploads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sync_uploads",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, default=Step.WAITING, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True)
    # The fingerprint of the preview the administrator confirmed; the worker plans again and
    # applies only when it gets the same plan.
    confirmed_plan = models.CharField(_("confirmed preview"), max_length=64, blank=True)
    # The worker speaks the administrator's language in the messages it keeps.
    language = models.CharField(_("language"), max_length=10, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Counts per kind after the apply: {"pupils": {"added": 3, "changed": 1, "left": 0, "unchanged": 9}, ...}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Problems found when the worker read the files again (translated, "file:line: reason").
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # Set when the worker found a different plan than the one confirmed: the preview says so.
    stale = models.BooleanField(_("changed since the preview"), default=False)
    files_removed_at = models.DateTimeField(_("files removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync upload")
        verbose_name_plural = _("sync uploads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "created_at"], name="syncupload_school_created")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class SyncUploadFile(models.Model):
    upload = models.ForeignKey(SyncUpload, on_delete=models.CASCADE, related_name="files")
    # The name as uploaded, without directories: the problems in the preview name it.
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("sync upload file")
        verbose_name_plural = _("sync upload files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
