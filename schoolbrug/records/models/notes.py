"""Notes (REC-2): categories decide whether a note is published on the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Pupil, School, SchoolYear

__all__ = ["Note", "NoteCategory"]


class NoteCategory(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="note_categories")
    name = models.CharField(_("name"), max_length=100)
    publish_on_portal = models.BooleanField(
        _("publish on the portal"), default=False, help_text=_("Guardians see notes of this category.")
    )

    class Meta:
        verbose_name = _("note category")
        verbose_name_plural = _("note categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="notecategory_unique_name")]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    class Source(models.TextChoices):
        STAFF = "staff", _("school")
        GUARDIAN = "guardian", _("guardian")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="notes")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="notes")
    category = models.ForeignKey(
        NoteCategory, on_delete=models.PROTECT, related_name="notes", verbose_name=_("category")
    )
    subject = models.CharField(_("subject"), max_length=200)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"), max_length=10000)
    source = models.CharField(_("written by"), max_length=10, choices=Source.choices, default=Source.STAFF)
    author_name = models.CharField(_("author"), max_length=200)
    # Nullable so a note outlives the account that wrote it; the name above stays.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    read_by_staff_at = models.DateTimeField(_("read by the school"), null=True, blank=True)
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-date", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["pupil", "-date"], name="note_pupil_date"),
            models.Index(fields=["read_by_staff_at"], condition=Q(read_by_staff_at__isnull=True), name="note_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "client_key"], condition=Q(client_key__isnull=False), name="note_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_by_staff_at is None
