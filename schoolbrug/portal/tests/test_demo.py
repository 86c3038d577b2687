from __future__ import annotations

from schoolbrug.portal.config import portal_for
from schoolbrug.portal.demo import load_demo_portal
from schoolbrug.portal.models import PortalModule
from schoolbrug.portal.modules import Module
from schoolbrug.sis.testing import SchoolTestCase


class DemoPortalTests(SchoolTestCase):
    def test_demo_school_gets_its_modules_once_and_other_schools_stay_off(self) -> None:
        load_demo_portal(self.school)
        PortalModule.objects.filter(school=self.school, module=Module.REPORTS).update(enabled=False)
        load_demo_portal(self.school)  # idempotent: a school's later choice is left alone
        portal = portal_for(self.school.pk)
        self.assertTrue(portal.is_on(Module.ABSENCES) and portal.on_dashboard(Module.NOTES))
        self.assertFalse(portal.is_on(Module.REPORTS))
        self.assertEqual(PortalModule.objects.filter(school=self.school).count(), len(Module.values))
        self.assertFalse(PortalModule.objects.filter(school=self.other_school).exists())
