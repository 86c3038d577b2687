"""POR-1 settings, POR-3 modules: only the school's application administrator, clear errors."""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from schoolbrug.accounts.audit import AuditEvent
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.portal.models import PortalModule, PortalSettings
from schoolbrug.portal.modules import Module
from schoolbrug.sis.testing import SchoolTestCase, make_school

from .helpers import enable_module, image_bytes, set_settings

SETTINGS = reverse("portal:settings")
EN = {"accept-language": "en"}
MEDIA = tempfile.mkdtemp(prefix="portal-media-")


def upload(data: bytes, name: str = "plaatje.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@override_settings(MEDIA_ROOT=MEDIA)
class PortalSettingsTests(SchoolTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def post_settings(self, **extra: object) -> Any:
        data = {"correction_email": "admin@obs.nl", "website": "https://obs-test.nl", **extra}
        return self.client.post(SETTINGS, data, headers=EN)

    def test_only_the_schools_application_administrator_opens_the_settings(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertEqual(self.client.get(SETTINGS).status_code, 200)
        for persona in (self.tess, self.pim):
            verified_login(self.client, persona.user)
            self.assertEqual(self.client.get(SETTINGS).status_code, 404, persona.account.email)
            self.assertEqual(self.client.post(SETTINGS, {"website": "https://x.nl"}).status_code, 404)
        self.client.force_login(self.paula.user)
        self.assertEqual(self.client.get(SETTINGS).status_code, 404)
        self.assertFalse(PortalSettings.objects.exists())
        # Another school's administrator only ever reaches his own school's settings.
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.get(SETTINGS).context["school"], self.other_school)
        self.client.post(SETTINGS, {"correction_email": "wim@elders.nl", "website": ""})
        self.assertEqual(list(PortalSettings.objects.values_list("school_id", flat=True)), [self.other_school.pk])

    def test_staff_navigation_shows_the_portal_slot_to_administrators_only(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertContains(self.client.get(reverse("staff:overview")), 'data-testid="nav-portal-settings"')
        verified_login(self.client, self.tess.user)
        self.assertNotContains(self.client.get(reverse("staff:overview")), 'data-testid="nav-portal-settings"')

    def test_saves_correction_address_and_website_and_audits(self) -> None:
        verified_login(self.client, self.ada.user)
        response = self.post_settings()
        self.assertRedirects(response, SETTINGS)
        row = PortalSettings.objects.get(school=self.school)
        self.assertEqual((row.correction_email, row.website), ("admin@obs.nl", "https://obs-test.nl"))
        self.assertTrue(
            AuditEvent.objects.filter(kind=AuditEvent.Kind.SETTING_CHANGED, school_id=self.school.pk).exists()
        )
        bad = self.client.post(SETTINGS, {"correction_email": "geen-adres", "website": "x"}, headers=EN)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("correction_email", bad.context["settings_form"].errors)
        self.assertEqual(PortalSettings.objects.get(school=self.school).correction_email, "admin@obs.nl")

    def test_square_image_is_re_encoded_and_served_to_the_schools_guardians_only(self) -> None:
        verified_login(self.client, self.ada.user)
        jpeg = image_bytes(400, 400, "JPEG")
        self.assertRedirects(self.post_settings(image=upload(jpeg, "../../evil.jpg", "image/jpeg")), SETTINGS)
        row = PortalSettings.objects.get(school=self.school)
        name = row.dashboard_image.name or ""
        self.assertTrue(name.startswith("portal/dashboard/"))
        self.assertNotIn("evil", name)
        image_url = reverse("portal:dashboard-image", args=[self.school.pk])
        self.client.force_login(self.paula.user)
        self.assertContains(self.client.get(reverse("portal:home")), f'src="{image_url}"')
        response = self.client.get(image_url)
        self.assertEqual(response["Content-Type"], "image/png")
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as stored:  # type: ignore[attr-defined]
            self.assertEqual((stored.format, stored.size), ("PNG", (400, 400)))
        self.client.force_login(self.otto.user)  # same school: sees its image
        self.assertEqual(self.client.get(image_url).status_code, 200)
        verified_login(self.client, self.wim.user)
        self.assertEqual(self.client.get(image_url).status_code, 404)

    def test_default_image_without_an_upload(self) -> None:
        self.client.force_login(self.paula.user)
        self.assertContains(self.client.get(reverse("portal:home")), "portal/dashboard-default.png")
        self.assertEqual(self.client.get(reverse("portal:dashboard-image", args=[self.school.pk])).status_code, 404)

    def test_wrong_images_are_refused_with_the_reason_and_nothing_is_saved(self) -> None:
        verified_login(self.client, self.ada.user)
        set_settings(self.school, correction_email="oud@obs.nl")
        cases = {
            "not_square": upload(image_bytes(300, 200)),
            "too_small": upload(image_bytes(100, 100)),
            "gif": upload(image_bytes(200, 200, "GIF"), "a.gif", "image/gif"),
            "html": upload(b"<html><script>alert(1)</script></html>", "a.png"),
            "truncated": upload(image_bytes(300, 300, "JPEG")[:200], "a.jpg", "image/jpeg"),
            "empty": upload(b"", "a.png"),
        }
        messages = {}
        for name, file in cases.items():
            response = self.post_settings(image=file)
            self.assertEqual(response.status_code, 400, name)
            messages[name] = " ".join(response.context["settings_form"].errors["image"])
        self.assertIn("square", messages["not_square"])
        self.assertIn("300 × 200", messages["not_square"])  # noqa: RUF001
        self.assertIn("at least 170 × 170", messages["too_small"])  # noqa: RUF001
        self.assertIn("not a JPEG, PNG or WebP", messages["gif"])
        self.assertIn("not a JPEG, PNG or WebP", messages["html"])
        self.assertIn("damaged", messages["truncated"])
        row = PortalSettings.objects.get(school=self.school)
        self.assertEqual((row.correction_email, row.dashboard_image.name), ("oud@obs.nl", ""))

    def test_image_bombs_are_refused_before_decoding(self) -> None:
        verified_login(self.client, self.ada.user)
        bomb = image_bytes(40000, 40000, "PNG", mode="1")  # small file, 1.6 billion pixels
        self.assertLess(len(bomb), 5 * 1024 * 1024)
        response = self.post_settings(image=upload(bomb))
        self.assertEqual(response.status_code, 400)
        self.assertIn("too many pixels", " ".join(response.context["settings_form"].errors["image"]))
        # Between Pillow's limit and twice the limit Pillow only warns: still refused.
        response = self.post_settings(image=upload(image_bytes(4500, 4500, "PNG", mode="1")))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(PortalSettings.objects.filter(school=self.school).exclude(dashboard_image="").exists())

    def test_welcome_text_names_the_school(self) -> None:
        self.client.force_login(self.paula.user)
        response = self.client.get(reverse("portal:home"), headers=EN)
        self.assertContains(response, "Welcome to the parent portal of OBS Testschool")


class PortalModuleTests(SchoolTestCase):
    def test_all_modules_are_off_for_a_new_school(self) -> None:
        school, _, _ = make_school("OBS Nieuw")
        from schoolbrug.portal.config import portal_for

        portal = portal_for(school.pk)
        self.assertEqual([m for m in Module.values if portal.is_on(m)], [])
        verified_login(self.client, self.ada.user)
        response = self.client.get(SETTINGS)
        states = [f.instance.enabled for f in response.context["module_forms"]]
        self.assertEqual(states, [False] * len(Module.values))

    def test_switching_a_module_on_with_options(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("portal:settings-module", args=[Module.NOTES])
        data = {
            "notes-enabled": "on",
            "notes-show_on_dashboard": "on",
            "notes-start_date": "2026-10-01",
            "notes-replies_allowed": "on",
        }
        self.assertRedirects(self.client.post(url, data), SETTINGS + "#module-notes", fetch_redirect_response=False)
        row = PortalModule.objects.get(school=self.school, module=Module.NOTES)
        self.assertTrue(row.enabled and row.on_dashboard and row.replies_allowed)
        self.assertEqual(str(row.start_date), "2026-10-01")
        url = reverse("portal:settings-module", args=[Module.STANDARDISED_TESTS])
        self.client.post(
            url, {"standardised_tests-enabled": "on", "standardised_tests-standardised_display": "level_value"}
        )
        self.assertEqual(
            PortalModule.objects.get(school=self.school, module=Module.STANDARDISED_TESTS).standardised_display,
            "level_value",
        )
        url = reverse("portal:settings-module", args=[Module.GROUPS])
        self.client.post(url, {"groups-enabled": "on", "groups-show_addresses": "on"})
        url = reverse("portal:settings-module", args=[Module.STAFF])
        self.client.post(url, {"staff-enabled": "on", "staff-show_contact": "on"})
        rows = {r.module: r for r in PortalModule.objects.filter(school=self.school)}
        self.assertTrue(rows[Module.GROUPS].show_addresses)
        self.assertTrue(rows[Module.STAFF].show_contact)

    def test_show_on_dashboard_only_while_the_module_is_on(self) -> None:
        verified_login(self.client, self.ada.user)
        url = reverse("portal:settings-module", args=[Module.ABSENCES])
        response = self.client.post(url, {"absences-show_on_dashboard": "on"}, headers=EN)
        self.assertEqual(response.status_code, 400)
        form = next(f for f in response.context["module_forms"] if f.module == Module.ABSENCES)
        self.assertIn("only be shown on the dashboard while it is on", form.errors["show_on_dashboard"][0])
        self.assertFalse(PortalModule.objects.filter(school=self.school, module=Module.ABSENCES).exists())

    def test_other_schools_administrator_cannot_switch_modules(self) -> None:
        verified_login(self.client, self.wim.user)
        self.client.post(reverse("portal:settings-module", args=[Module.ABSENCES]), {"absences-enabled": "on"})
        self.assertFalse(PortalModule.objects.filter(school=self.school).exists())
        enable_module(self.other_school, Module.ABSENCES)  # his own school's row is his own
        self.assertFalse(PortalModule.objects.filter(school=self.school).exists())

    def test_unknown_module_is_404(self) -> None:
        verified_login(self.client, self.ada.user)
        self.assertEqual(self.client.post(reverse("portal:settings-module", args=["toys"])).status_code, 404)
