"""Portal settings per school, module switches and plans, and guardians' own portal choices."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schoolbrug.core.models import TimestampedModel, phone_validator
from schoolbrug.sis.models import School

from .modules import Module, StandardisedDisplay


def dashboard_image_path(instance: Any, filename: str) -> str:
    # The server chooses the name: an uploaded name never reaches the file system.
    return str(PurePosixPath("portal", "dashboard", f"{uuid.uuid4().hex}.png"))


class PortalSettings(TimestampedModel):
    """POR-1 and POR-2. A school without a row has the defaults: no address, default image."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="portal_settings")
    correction_email = models.EmailField(
        _("e-mail address for correction requests"),
        blank=True,
        help_text=_("Correction requests from guardians are sent to this address."),
    )
    website = models.URLField(_("school website"), blank=True, help_text=_("Shown on the school page."))
    dashboard_image = models.FileField(_("dashboard image"), upload_to=dashboard_image_path, blank=True)
    maintenance_mode = models.BooleanField(
        _("maintenance mode"),
        default=False,
        help_text=_("Guardians see only their own data and a maintenance message."),
    )
    # The instruction letter (ACC-2) names who helps guardians with logging in, and when.
    help_contact_name = models.CharField(
        _("contact person for login problems"),
        max_length=100,
        blank=True,
        help_text=_("Named in the instruction letter."),
    )
    help_contact_email = models.EmailField(_("contact person's e-mail address"), blank=True)
    help_contact_phone = models.CharField(
        _("contact person's telephone"), max_length=20, blank=True, validators=[phone_validator]
    )
    help_moment = models.CharField(
        _("help moment"),
        max_length=300,
        blank=True,
        help_text=_('For example "Every Wednesday 8:30-9:00 in the staff room, the first four weeks."'),
    )

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return f"portal settings of {self.school_id}"


class PortalModule(TimestampedModel):
    """One module of one school. No row means off: a new school starts with everything off."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="portal_modules")
    module = models.CharField(_("module"), max_length=30, choices=Module.choices)
    enabled = models.BooleanField(_("on"), default=False)
    show_on_dashboard = models.BooleanField(_("show on dashboard"), default=False)
    show_addresses = models.BooleanField(_("show classmates' addresses"), default=False)
    show_contact = models.BooleanField(_("show e-mail address and telephone"), default=False)
    standardised_display = models.CharField(
        _("display"), max_length=20, choices=StandardisedDisplay.choices, default=StandardisedDisplay.LEVEL
    )
    start_date = models.DateField(_("show from"), null=True, blank=True)
    replies_allowed = models.BooleanField(_("guardians may reply"), default=False)

    class Meta:
        verbose_name = _("portal module")
        verbose_name_plural = _("portal modules")
        ordering = ["module"]
        constraints = [models.UniqueConstraint(fields=["school", "module"], name="portalmodule_unique_per_school")]

    def __str__(self) -> str:
        return f"{self.module} ({'on' if self.enabled else 'off'})"

    @property
    def on_dashboard(self) -> bool:
        # The choice is kept while the module is off, but only counts while it is on.
        return self.enabled and self.show_on_dashboard


class ModuleSchedule(models.Model):
    """A planned switch (POR-4): `module` goes on or off from `starts_on`, back after `ends_on`."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="portal_schedules")
    module = models.CharField(_("module"), max_length=30, choices=Module.choices)
    enabled = models.BooleanField(_("switch on"), help_text=_("On: open the module; off: close it."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: the switch stays."))
    start_applied_at = models.DateTimeField(null=True, blank=True)
    end_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("planned module switch")
        verbose_name_plural = _("planned module switches")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="moduleschedule_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} {'on' if self.enabled else 'off'} from {self.starts_on}"

    @property
    def is_finished(self) -> bool:
        return self.end_applied_at is not None or (self.ends_on is None and self.start_applied_at is not None)


class GuardianPortalPreference(models.Model):
    """A guardian account's own portal choices (POR-9)."""

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_preference")
    link_communication_app = models.BooleanField(
        _("also notify me in the app"),
        default=False,
        help_text=_("New absences, plans, notes, reports and activities also appear as notifications in the app."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("guardian portal preference")
        verbose_name_plural = _("guardian portal preferences")

    def __str__(self) -> str:
        return f"portal preference of {self.account_id}"
