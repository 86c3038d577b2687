"""Spaces: the places school and home talk in.

A school has one school-wide space (all guardians and staff with an account), one staff-only
"colleagues" space, and one space per group, so per group per school year. Group spaces are made
from the records (signals and `services.ensure_spaces`), never by hand; who is a member is not
stored but derived from the records at the moment it is asked (`selectors`), so a pupil moving
group or a guardian losing the access right changes membership at once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.sis.models import Group, School


class Space(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("whole school")
        COLLEAGUES = "colleagues", _("colleagues")
        GROUP = "group", _("group")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="spaces")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="space")
    # Empty means the default name: the group's name, or "whole school" / "colleagues".
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_enabled = models.BooleanField(
        _("switched on"), default=True, help_text=_("A space that is switched off is not shown to anyone.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["kind", "group__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"], condition=~Q(kind="group"), name="space_one_school_and_colleagues_space"
            ),
            models.CheckConstraint(
                condition=(Q(kind="group") & Q(group__isnull=False)) | (~Q(kind="group") & Q(group__isnull=True)),
                name="space_group_iff_group_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.kind == self.Kind.GROUP and self.group is not None:
            return self.group.name
        return str(self.Kind(self.kind).label).capitalize()

    @property
    def mute_key(self) -> str:
        """The key under which notifications.SpaceMute remembers that someone muted this space."""
        return f"space:{self.pk}"
