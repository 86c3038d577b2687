"""The portal modules (POR-3) and what each may carry: pure definitions, no database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    ABSENCES = "absences", _("Absences")
    GROUPS = "groups", _("Groups")
    STAFF = "staff", _("Staff")
    MEDICAL = "medical", _("Medical data")
    CURRICULUM_TESTS = "curriculum_tests", _("Curriculum tests")
    STANDARDISED_TESTS = "standardised_tests", _("Standardised tests")
    NOTES = "notes", _("Notes")
    PLANS = "plans", _("Plans")
    REPORTS = "reports", _("Reports")


class StandardisedDisplay(models.TextChoices):
    LEVEL = "level", _("level")
    ADJUSTED_LEVEL = "adjusted_level", _("adjusted level")
    LEVEL_VALUE = "level_value", _("level value")


# Modules whose new items can appear on the dashboard ("show on dashboard", POR-3/POR-6).
DASHBOARD_MODULES = frozenset({Module.ABSENCES, Module.NOTES, Module.PLANS, Module.REPORTS})

# The option fields each module uses; the settings form shows only these.
MODULE_OPTIONS: dict[str, tuple[str, ...]] = {
    Module.GROUPS: ("show_addresses",),
    Module.STAFF: ("show_contact",),
    Module.STANDARDISED_TESTS: ("standardised_display",),
    Module.NOTES: ("start_date", "replies_allowed"),
    Module.PLANS: ("start_date",),
}

# Pages that follow the school year selector (POR-8): everything but Group and About.
YEAR_SWITCH_MODULES = frozenset(
    {
        Module.ABSENCES,
        Module.CURRICULUM_TESTS,
        Module.STANDARDISED_TESTS,
        Module.NOTES,
        Module.PLANS,
        Module.REPORTS,
    }
)
