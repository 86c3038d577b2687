"""Demo portal settings for OBS De Regenboog: a sensible set of modules on (idempotent).

New schools stay all-off (POR-3); only the demo school is opened up, so the demo shows the
portal as a school would after its first phases.
"""

from __future__ import annotations

from schoolbrug.sis.models import School

from .models import PortalModule, PortalSettings
from .modules import DASHBOARD_MODULES, Module, StandardisedDisplay

DEMO_MODULES: dict[str, dict[str, object]] = {
    Module.ABSENCES: {},
    Module.GROUPS: {"show_addresses": False},
    Module.STAFF: {"show_contact": True},
    Module.MEDICAL: {},
    Module.CURRICULUM_TESTS: {},
    Module.STANDARDISED_TESTS: {"standardised_display": StandardisedDisplay.LEVEL},
    Module.NOTES: {"replies_allowed": True},
    Module.PLANS: {},
    Module.REPORTS: {},
}


def load_demo_portal(school: School) -> None:
    """Turns the demo modules on and fills the settings, leaving any existing choice alone."""
    PortalSettings.objects.get_or_create(
        school=school,
        defaults={
            "correction_email": school.email or "administratie@regenboog.example",
            "website": school.website,
            # Named in the instruction letter (ACC-2).
            "help_contact_name": "Juf Marieke (ICT)",
            "help_contact_email": school.email,
            "help_contact_phone": school.phone,
            "help_moment": "Elke woensdag 8.30-9.00 uur in de teamkamer, de eerste vier weken van het schooljaar",
        },
    )
    for module, options in DEMO_MODULES.items():
        PortalModule.objects.get_or_create(
            school=school,
            module=module,
            defaults={"enabled": True, "show_on_dashboard": module in DASHBOARD_MODULES, **options},
        )
