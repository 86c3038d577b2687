"""A stored upload: the cleaned original and its renditions, in private storage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import get_private_storage


class StoredFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("photo")
        DOCUMENT = "document", _("document")

    school = models.ForeignKey("sis.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The name as the uploader knew it (path parts and control characters removed, extension
    # matching the stored content); shown and offered on download, never used as a storage name.
    original_name = models.CharField(_("file name"), max_length=255)
    # Decided by the content, never by the client's claim.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=get_private_storage, max_length=200)
    screen = models.FileField(storage=get_private_storage, max_length=200, blank=True)
    thumbnail = models.FileField(storage=get_private_storage, max_length=200, blank=True)
    # Null until the owning feature (an announcement, a chat message) commits with the file;
    # unattached files older than a day are orphans and removed (`services.delete_orphans`).
    attached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        indexes = [models.Index(fields=["attached_at", "created_at"], name="media_orphan_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    def storage_names(self) -> list[str]:
        return [str(field) for field in (self.file, self.screen, self.thumbnail) if field]
