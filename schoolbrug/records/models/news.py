"""News (POR-11): items for the portal, targeted at groups and shown inside a window."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel
from schoolbrug.sis.models import Group, School

__all__ = ["NewsItem"]


class NewsItem(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="news_items")
    subject = models.CharField(_("subject"), max_length=200)
    date = models.DateField(_("date"))
    # Stored only after sanitising with the allow-list in records.services.news.
    text = models.TextField(_("text"), max_length=20000)
    publish_from = models.DateField(_("publish from"))
    publish_until = models.DateField(_("publish until"), null=True, blank=True, help_text=_("Empty: no end."))
    groups = models.ManyToManyField(
        Group, blank=True, related_name="news_items", verbose_name=_("groups"), help_text=_("None: all groups.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "publish_from"], name="news_school_publish")]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True) | Q(publish_until__gte=F("publish_from")),
                name="newsitem_window",
            )
        ]

    def __str__(self) -> str:
        return self.subject
